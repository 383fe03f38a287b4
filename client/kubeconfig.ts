// Reading a kubeconfig into what the REST client needs: server URL (and the kubets failover
// list), CA, client certificate and key, bearer token, or a function for token-file, basic
// and exec users. Our own reader over js-yaml: @kubernetes/client-node's KubeConfig did this
// before, and importing it cost every agent, sim and controller-manager ~80 MB of RSS.
//
// As client-go reads it: `current-context` (or the one asked for) picks a cluster, a user and
// a namespace; `*-data` wins over the file beside it; relative paths resolve from the
// kubeconfig's folder; `token` wins over `tokenFile`, which is read again at most once a
// minute. Exec plugins (client.authentication.k8s.io v1/v1beta1) run in kubeconfig-exec.ts.
// `auth-provider` users are refused (upstream removed the built-in gcp/azure ones; oidc is
// left out). `proxy-url`, impersonation (`as*`) and `disable-compression` are ignored: our
// clients talk to the server directly.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { load } from 'js-yaml';
import type { RestConfig } from './rest.ts';
import { SERVERS_EXTENSION } from './types.ts';
import { execAuthorization, type ExecConfig } from './kubeconfig-exec.ts';

export interface LoadKubeconfigOptions {
  /** A context other than current-context. */
  context?: string;
}

/** A RestConfig plus what else the chosen context says. */
export interface KubeconfigConfig extends RestConfig {
  /** The context's namespace, when it names one. */
  namespace?: string;
}

/** A list item: `name` and one body (`cluster`, `user` or `context`). */
type Item = { name?: unknown } & Record<string, unknown>;

interface RawCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  extensions?: { name?: string; extension?: { servers?: unknown } }[];
}

interface RawUser {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  'auth-provider'?: { name?: string };
}

interface RawContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

interface RawKubeconfig {
  clusters?: Item[];
  users?: Item[];
  contexts?: Item[];
  'current-context'?: string;
}

const TOKEN_FILE_REREAD_MS = 60_000;

/** Loads a kubeconfig file; relative paths in it resolve from its folder. */
export function loadKubeconfig(path: string, opts: LoadKubeconfigOptions = {}): KubeconfigConfig {
  return parseKubeconfig(readFileSync(path, 'utf8'), dirname(resolve(path)), opts);
}

/** The same from kubeconfig text; relative paths resolve from the working directory. */
export function kubeconfigFromString(text: string, opts: LoadKubeconfigOptions = {}): KubeconfigConfig {
  return parseKubeconfig(text, process.cwd(), opts);
}

function parseKubeconfig(text: string, base: string, opts: LoadKubeconfigOptions): KubeconfigConfig {
  const raw = load(text) as RawKubeconfig | null | undefined;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('kubeconfig: not a YAML mapping');
  const contextName = opts.context ?? raw['current-context'];
  if (!contextName) throw new Error('kubeconfig: no current-context and no context asked for');
  const context = entry<RawContext>(raw.contexts, 'context', contextName, 'context');
  if (!context) throw new Error(`kubeconfig: context ${JSON.stringify(contextName)} not found`);
  if (!context.cluster) throw new Error(`kubeconfig: context ${JSON.stringify(contextName)} names no cluster`);
  const cluster = entry<RawCluster>(raw.clusters, 'cluster', context.cluster, 'cluster');
  if (!cluster) throw new Error(`kubeconfig: cluster ${JSON.stringify(context.cluster)} (of context ${JSON.stringify(contextName)}) not found`);
  if (typeof cluster.server !== 'string' || !cluster.server) throw new Error(`kubeconfig: cluster ${JSON.stringify(context.cluster)} has no server`);
  const path = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const bytes = (data: string | undefined, file: string | undefined): Buffer | undefined =>
    data ? Buffer.from(data, 'base64') : file ? readFileSync(path(file)) : undefined;
  const config: KubeconfigConfig = {
    server: cluster.server.replace(/\/+$/, ''),
    ca: bytes(cluster['certificate-authority-data'], cluster['certificate-authority']),
    tlsServerName: cluster['tls-server-name'],
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
  if (context.namespace) config.namespace = context.namespace;
  const servers = cluster.extensions?.find((e) => e?.name === SERVERS_EXTENSION)?.extension?.servers;
  if (Array.isArray(servers) && servers.every((s) => typeof s === 'string')) config.servers = servers.map((s: string) => s.replace(/\/+$/, ''));
  if (!context.user) return config;
  const user = entry<RawUser>(raw.users, 'user', context.user, 'user');
  if (!user) throw new Error(`kubeconfig: user ${JSON.stringify(context.user)} (of context ${JSON.stringify(contextName)}) not found`);
  config.cert = bytes(user['client-certificate-data'], user['client-certificate']);
  config.key = bytes(user['client-key-data'], user['client-key']);
  if (user.token) config.token = user.token;
  else if (user.tokenFile) config.authorization = tokenFileAuthorization(path(user.tokenFile));
  else if (user.username && user.password) {
    const basic = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
    config.authorization = async () => basic;
  } else if (user.exec) config.authorization = execAuthorization(user.exec, context.user, config);
  else if (user['auth-provider']) {
    throw new Error(`kubeconfig: user ${JSON.stringify(context.user)} uses auth-provider ${JSON.stringify(user['auth-provider'].name ?? '')}, which kubets does not support; use a token, a client certificate or an exec plugin`);
  }
  return config;
}

/** The `key` body of the list item called `name` (clusters[].cluster, users[].user, ...). */
function entry<T>(list: Item[] | undefined, key: string, name: string, what: string): T | undefined {
  if (list !== undefined && !Array.isArray(list)) throw new Error(`kubeconfig: ${what}s is not a list`);
  const found = list?.find((e) => e && e.name === name);
  if (!found) return undefined;
  const body = found[key];
  if (body === undefined || body === null) return {} as T;
  if (typeof body !== 'object' || Array.isArray(body)) throw new Error(`kubeconfig: ${what} ${JSON.stringify(name)} is not a mapping`);
  return body as T;
}

/** A bearer token read from a file, read again at most once a minute (as client-go's cached file source). */
function tokenFileAuthorization(file: string): () => Promise<string | undefined> {
  let token = readToken(file);
  let readAt = Date.now();
  return async () => {
    if (Date.now() - readAt >= TOKEN_FILE_REREAD_MS) {
      try {
        token = readToken(file);
      } catch {
        // Keep the last token, as client-go does when a re-read fails.
      }
      readAt = Date.now();
    }
    return `Bearer ${token}`;
  };
}

function readToken(file: string): string {
  const token = readFileSync(file, 'utf8').trim();
  if (!token) throw new Error(`kubeconfig: token file ${file} is empty`);
  return token;
}
