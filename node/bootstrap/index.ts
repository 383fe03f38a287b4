// How an agent joins: upstream's kubelet TLS bootstrap with a bootstrap token.
//  1. Read kube-public/cluster-info (anonymous, the server's certificate not yet trusted) and
//     check its detached JWS with the token: only then trust the CA it names.
//  2. With the token as bearer (user system:bootstrap:<id>), POST a CSR for
//     CN=system:node:<name>, O=system:nodes under kubernetes.io/kube-apiserver-client-kubelet;
//     csrapproving approves it, csrsigning signs it.
//  3. Write DATA_DIR/pki/{ca.crt,kubelet-client.crt,kubelet-client.key} and
//     DATA_DIR/kubelet.kubeconfig; on a restart they are reused while valid.
// The serving certificate for the kubelet's HTTPS port comes the same way, under
// kubernetes.io/kubelet-serving, asked for with the node's own credentials.

import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { CLUSTER_INFO, parseBootstrapToken, verifyDetachedJws, type BootstrapToken } from '../../client/bootstrap-token.ts';
import { createClient, type RestConfig } from '../../client/rest.ts';
import { kubeconfigFromString } from '../../client/kubeconfig.ts';
import { requestCertificate } from './certificate.ts';
import { JOINED_KUBECONFIG, renderNodeKubeconfig } from './kubeconfig.ts';

export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';

export class JoinError extends Error {}

export interface JoinOptions {
  server: string;
  token?: string;
  nodeName: string;
  dataDir: string;
  /** How long to wait for the certificate (default 5 min). */
  timeoutMs?: number;
}

export interface NodeCredentials {
  /** The node's own client (system:node:<name>). */
  config: RestConfig;
  kubeconfigPath: string;
  caPem: string;
  /** True when the files of an earlier join were reused. */
  reused: boolean;
}

/** Whether a PEM certificate is still good for a while (10% of its life or one hour left). */
export function stillValid(certPem: string, now = Date.now(), caPem?: string): boolean {
  try {
    const c = new X509Certificate(certPem);
    const from = Date.parse(c.validFrom);
    const to = Date.parse(c.validTo);
    if (caPem && !c.verify(new X509Certificate(caPem).publicKey)) return false;
    return to - now > Math.max(3600_000, (to - from) * 0.1) && from <= now + 300_000;
  } catch {
    return false;
  }
}

async function writePrivate(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

function getJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    // Nothing is trusted yet: what comes back is believed only once its signature verifies.
    const req = https.get(url, { rejectUnauthorized: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** The CA of the cluster at server, as cluster-info states it under the token's signature. */
export async function discoverCa(server: string, token: BootstrapToken): Promise<string> {
  let r;
  try {
    r = await getJson(`${server.replace(/\/+$/, '')}/api/v1/namespaces/${CLUSTER_INFO.namespace}/configmaps/${CLUSTER_INFO.name}`);
  } catch (e) {
    throw new JoinError(`cannot reach the server at ${server}: ${(e as Error).message}`);
  }
  if (r.status !== 200) throw new JoinError(`the server at ${server} has no readable cluster-info (HTTP ${r.status}); is it a kubets or kubeadm server?`);
  const data = ((r.body as { data?: Record<string, string> }).data ?? {}) as Record<string, string>;
  const kubeconfig = data[CLUSTER_INFO.kubeconfigKey];
  const jws = data[`${CLUSTER_INFO.jwsPrefix}${token.id}`];
  if (!kubeconfig) throw new JoinError('cluster-info holds no kubeconfig');
  if (!jws) throw new JoinError(`the server does not know the token id "${token.id}": the token is wrong, or was deleted or expired`);
  if (!verifyDetachedJws(kubeconfig, jws, token)) throw new JoinError(`the token does not match the server's: cluster-info's signature for token id "${token.id}" does not verify`);
  const doc = load(kubeconfig) as { clusters?: { cluster?: { 'certificate-authority-data'?: string } }[] };
  const ca = doc.clusters?.[0]?.cluster?.['certificate-authority-data'];
  if (!ca) throw new JoinError('cluster-info names no certificate authority');
  return Buffer.from(ca, 'base64').toString('utf8');
}

/** Joins (or, when an earlier join's files are still good, reuses them). */
export async function joinCluster(o: JoinOptions): Promise<NodeCredentials> {
  const pkiDir = join(o.dataDir, 'pki');
  const kubeconfigPath = join(o.dataDir, JOINED_KUBECONFIG);
  const existing = await readFile(kubeconfigPath, 'utf8').catch(() => undefined);
  if (existing) {
    const config = kubeconfigFromString(existing);
    if (config.server === o.server.replace(/\/+$/, '') && config.cert && config.ca && stillValid(config.cert.toString(), Date.now(), config.ca.toString())) {
      return { config, kubeconfigPath, caPem: config.ca.toString(), reused: true };
    }
  }
  if (!o.token) throw new JoinError('no --token: a node joins with the token `kubets server` printed (kept in its DATA_DIR/token)');
  const token = parseBootstrapToken(o.token.trim());
  if (!token) throw new JoinError('--token is not a bootstrap token (6 and 16 characters of [a-z0-9], joined by a dot)');
  const caPem = await discoverCa(o.server, token);
  const bootstrapClient = createClient({ server: o.server.replace(/\/+$/, ''), ca: caPem, token: o.token.trim(), qps: 0, userAgent: 'kubets-agent/bootstrap' });
  let issued;
  try {
    issued = await requestCertificate(
      bootstrapClient,
      { signerName: KUBELET_CLIENT_SIGNER, commonName: `system:node:${o.nodeName}`, organizations: ['system:nodes'], usages: ['digital signature', 'client auth'], generateName: 'node-csr-' },
      { timeoutMs: o.timeoutMs },
    );
  } catch (e) {
    const code = (e as { code?: number }).code;
    if (code === 401) throw new JoinError('the server refused the token (401 Unauthorized): it is wrong or has expired');
    if (code === 403) throw new JoinError(`the token may not ask for node certificates (403 Forbidden): ${(e as Error).message}`);
    throw e instanceof JoinError ? e : new JoinError((e as Error).message);
  } finally {
    bootstrapClient.close();
  }
  await mkdir(pkiDir, { recursive: true, mode: 0o700 });
  await writePrivate(join(pkiDir, 'ca.crt'), caPem);
  await writePrivate(join(pkiDir, 'kubelet-client.crt'), issued.cert);
  await writePrivate(join(pkiDir, 'kubelet-client.key'), issued.key);
  await writePrivate(kubeconfigPath, renderNodeKubeconfig(o.server.replace(/\/+$/, ''), caPem, issued.cert, issued.key));
  return { config: kubeconfigFromString(await readFile(kubeconfigPath, 'utf8')), kubeconfigPath, caPem, reused: false };
}

export interface ServingCertificate {
  cert: string;
  key: string;
  reused: boolean;
}

/** The kubelet's serving certificate for its names and addresses: reused while valid, else asked for. */
export async function ensureServingCertificate(config: RestConfig, nodeName: string, sans: string[], dataDir: string, timeoutMs?: number): Promise<ServingCertificate> {
  const certPath = join(dataDir, 'pki', 'kubelet-serving.crt');
  const keyPath = join(dataDir, 'pki', 'kubelet-serving.key');
  const [cert, key] = await Promise.all([readFile(certPath, 'utf8').catch(() => ''), readFile(keyPath, 'utf8').catch(() => '')]);
  if (cert && key && stillValid(cert, Date.now(), config.ca?.toString())) {
    const x = new X509Certificate(cert);
    const have = (x.subjectAltName ?? '').split(', ').map((s) => s.replace(/^(DNS|IP Address):/, ''));
    if (sans.every((s) => have.includes(s))) return { cert, key, reused: true };
  }
  const client = createClient({ ...config, qps: 0, userAgent: 'kubets-agent/serving-cert' });
  try {
    const issued = await requestCertificate(
      client,
      { signerName: KUBELET_SERVING_SIGNER, commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], sans, usages: ['digital signature', 'server auth'], generateName: 'csr-' },
      { timeoutMs },
    );
    await mkdir(join(dataDir, 'pki'), { recursive: true, mode: 0o700 });
    await writePrivate(keyPath, issued.key);
    await writePrivate(certPath, issued.cert);
    return { cert: issued.cert, key: issued.key, reused: false };
  } finally {
    client.close();
  }
}
