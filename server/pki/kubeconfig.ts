// DATA_DIR/kubeconfig: the admin's way in (cluster, user and context all named `kubets`).

import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import type { Pki } from './index.ts';
import { SERVERS_EXTENSION } from '../../client/types.ts';

export const KUBECONFIG_NAME = 'kubets';

export interface KubeconfigOptions {
  /** https://host:port of the apiserver. */
  server: string;
  /** Defaults to the admin client certificate. */
  clientCert?: string;
  clientKey?: string;
  /** A bearer token instead of a client certificate. */
  token?: string;
  name?: string;
  /**
   * Every apiserver of an HA control plane: the cluster's `server` is the first, the whole
   * list is a cluster extension our clients fail over along, and each server also gets a
   * context of its own (NAME-1, NAME-2, ...) so that `kubectl --context` can pick one.
   */
  servers?: string[];
}

/** The URL clients should use for a bind address: wildcards mean loopback; IPv6 gets brackets. */
export function serverUrl(bindAddress: string, port: number): string {
  let host = bindAddress;
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  if (host.includes(':')) host = `[${host}]`;
  return `https://${host}:${port}`;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** The kubeconfig text, YAML as kubectl writes it. */
export function renderKubeconfig(pki: Pki, opts: KubeconfigOptions): string {
  const name = opts.name ?? KUBECONFIG_NAME;
  const user: Record<string, string> = opts.token
    ? { token: opts.token }
    : {
        'client-certificate-data': b64(opts.clientCert ?? pki.adminCert),
        'client-key-data': b64(opts.clientKey ?? pki.adminKey),
      };
  const ca = b64(pki.caCert);
  const servers = opts.servers ?? [];
  const cluster: Record<string, unknown> = { server: opts.server, 'certificate-authority-data': ca };
  if (servers.length > 1) cluster.extensions = [{ name: SERVERS_EXTENSION, extension: { servers } }];
  const each = servers.length > 1 ? servers.map((server, i) => ({ name: `${name}-${i + 1}`, server })) : [];
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name, cluster }, ...each.map((e) => ({ name: e.name, cluster: { server: e.server, 'certificate-authority-data': ca } }))],
    users: [{ name, user }],
    contexts: [{ name, context: { cluster: name, user: name } }, ...each.map((e) => ({ name: e.name, context: { cluster: e.name, user: name } }))],
    'current-context': name,
  };
  return dump(doc, { lineWidth: -1 });
}

/** Writes DATA_DIR/kubeconfig with mode 0600 and returns its path. */
export async function writeKubeconfig(dataDir: string, pki: Pki, opts: KubeconfigOptions): Promise<string> {
  const path = join(dataDir, 'kubeconfig');
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, renderKubeconfig(pki, opts), { mode: 0o600 });
  // Appearing whole matters: the test harness waits for this file to exist.
  await rename(tmp, path);
  return path;
}
