// Reading a kubeconfig into what the REST client needs: server URL, CA, client certificate and
// key, bearer token (or a function for exec and auth-provider users). Parsing and the many file
// layouts are @kubernetes/client-node's KubeConfig; the HTTP is ours (rest.ts).

import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import type { RestConfig } from './rest.ts';
import { SERVERS_EXTENSION } from './types.ts';

export interface LoadKubeconfigOptions {
  /** A context other than current-context. */
  context?: string;
}

const fromB64 = (s: string | undefined): Buffer | undefined => (s ? Buffer.from(s, 'base64') : undefined);
const fromFile = (p: string | undefined): Buffer | undefined => (p ? readFileSync(p) : undefined);

/** Loads a kubeconfig file into a RestConfig. */
export function loadKubeconfig(path: string, opts: LoadKubeconfigOptions = {}): RestConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return withFailover(fromKubeConfig(kc, opts), readFileSync(path, 'utf8'), kc);
}

/** The same from kubeconfig text. */
export function kubeconfigFromString(text: string, opts: LoadKubeconfigOptions = {}): RestConfig {
  const kc = new KubeConfig();
  kc.loadFromString(text);
  return withFailover(fromKubeConfig(kc, opts), text, kc);
}


interface RawKubeconfig {
  clusters?: { name?: string; cluster?: { extensions?: { name?: string; extension?: { servers?: unknown } }[] } }[];
}

/** The failover list of the current cluster, when its kubeconfig entry carries one. */
function withFailover(config: RestConfig, text: string, kc: KubeConfig): RestConfig {
  const name = kc.getCurrentCluster()?.name;
  const raw = load(text) as RawKubeconfig | undefined;
  const ext = raw?.clusters?.find((c) => c.name === name)?.cluster?.extensions?.find((e) => e.name === SERVERS_EXTENSION);
  const servers = ext?.extension?.servers;
  if (Array.isArray(servers) && servers.every((s) => typeof s === 'string')) config.servers = servers.map((s: string) => s.replace(/\/+$/, ''));
  return config;
}

function fromKubeConfig(kc: KubeConfig, opts: LoadKubeconfigOptions): RestConfig {
  if (opts.context) kc.setCurrentContext(opts.context);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig: no cluster for context ${JSON.stringify(kc.getCurrentContext())}`);
  const user = kc.getCurrentUser();
  const config: RestConfig = {
    server: cluster.server.replace(/\/+$/, ''),
    ca: fromB64(cluster.caData) ?? fromFile(cluster.caFile),
    tlsServerName: cluster.tlsServerName,
    insecureSkipTLSVerify: cluster.skipTLSVerify,
  };
  if (!user) return config;
  config.cert = fromB64(user.certData) ?? fromFile(user.certFile);
  config.key = fromB64(user.keyData) ?? fromFile(user.keyFile);
  if (user.token) config.token = user.token;
  else if (user.username && user.password) {
    const basic = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
    config.authorization = async () => basic;
  } else if (user.exec || user.authProvider) {
    // client-node runs the plugin and caches its credential until it expires.
    config.authorization = async () => {
      const o: { headers?: Record<string, string | string[] | number | undefined> } = { headers: {} };
      await kc.applyToHTTPSOptions(o);
      const h = o.headers?.Authorization ?? o.headers?.authorization;
      return typeof h === 'string' ? h : undefined;
    };
  }
  return config;
}
