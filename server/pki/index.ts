// The cluster's PKI under DATA_DIR/pki/: made on first start, reused afterwards.
//   ca.crt, ca.key               the cluster CA (signs everything below, verifies client certs)
//   apiserver.crt, apiserver.key serving certificate
//   admin.crt, admin.key         client certificate CN=kubernetes-admin, O=system:masters
//   controller-manager.crt/.key  client certificate CN=system:kube-controller-manager
//   scheduler.crt/.key           client certificate CN=system:kube-scheduler
//   cloud-controller-manager.crt/.key  client certificate CN=system:cloud-controller-manager
//   sa.key, sa.pub               service-account token signing key pair
//   front-proxy-ca.crt/.key      the request-header CA aggregated API servers trust (kubeadm's)
//   front-proxy-client.crt/.key  client certificate CN=front-proxy-client: the aggregator's
// Only what is missing, expiring, not signed by the CA or lacking a wanted SAN is remade.

import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { CertAndKey, LeafSpec } from './certs.ts';

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  /** Client certificate CN=system:kube-controller-manager: the controllers' own identity. */
  controllerManagerCert: string;
  controllerManagerKey: string;
  /** Client certificate CN=system:kube-scheduler: the scheduler's own identity. */
  schedulerCert: string;
  schedulerKey: string;
  /** Client certificate CN=system:cloud-controller-manager: the cloud controller manager's identity. */
  cloudControllerManagerCert: string;
  cloudControllerManagerKey: string;
  /** The front-proxy (request-header) CA: extension apiservers trust X-Remote-* headers from its clients. */
  frontProxyCaCert: string;
  /** CN=front-proxy-client, signed by the front-proxy CA: what the aggregator proxies with. */
  frontProxyClientCert: string;
  frontProxyClientKey: string;
  /** PKCS#8 PEM, ECDSA P-256: signs service-account tokens (ES256). */
  serviceAccountKey: string;
  /** SPKI PEM: verifies service-account tokens. */
  serviceAccountPublicKey: string;
}

export interface PkiOptions {
  /** Extra DNS names or IPs for the serving certificate. */
  extraSans?: string[];
  /** The address the apiserver binds; added as a SAN unless it is a wildcard. */
  bindAddress?: string;
  /** Defaults to the machine's host name. */
  hostname?: string;
  /** Which files were made or reused; for the log. */
  onEvent?: (event: 'generated' | 'reused', what: string) => void;
}

export const ADMIN_USER = 'kubernetes-admin';
export const ADMIN_GROUP = 'system:masters';
export const CONTROLLER_MANAGER_USER = 'system:kube-controller-manager';
export const SCHEDULER_USER = 'system:kube-scheduler';
export const CLOUD_CONTROLLER_MANAGER_USER = 'system:cloud-controller-manager';
export const FRONT_PROXY_CLIENT = 'front-proxy-client';
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
export const KUBERNETES_SERVICE_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

/** Every SAN the serving certificate must carry, in a stable order without duplicates. */
export function servingSans(opts: PkiOptions = {}): string[] {
  const sans = ['localhost', '127.0.0.1', '::1', opts.hostname ?? osHostname()];
  const bind = opts.bindAddress;
  if (bind && bind !== '0.0.0.0' && bind !== '::') sans.push(bind);
  sans.push(KUBERNETES_SERVICE_IP, ...KUBERNETES_SERVICE_NAMES, ...(opts.extraSans ?? []));
  const seen = new Set<string>();
  return sans.filter((s) => {
    const k = canonicalSan(s);
    if (!s || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** IPv6 addresses have many spellings; compare them expanded. DNS names compare case-blind. */
export function canonicalSan(san: string): string {
  if (isIP(san) !== 6) return san.toLowerCase();
  const [head, tail] = san.includes('::') ? san.split('::') : [san, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16)).join(':');
}

/** The SANs in a certificate, canonical. */
export function certSans(cert: X509Certificate): Set<string> {
  const out = new Set<string>();
  for (const part of (cert.subjectAltName ?? '').split(/,\s*/)) {
    const m = /^(DNS|IP Address):(.+)$/.exec(part.trim());
    if (m) out.add(canonicalSan(m[2]));
  }
  return out;
}

async function readPair(dir: string, name: string): Promise<CertAndKey | undefined> {
  try {
    const [cert, key] = await Promise.all([
      readFile(join(dir, `${name}.crt`), 'utf8'),
      readFile(join(dir, `${name}.key`), 'utf8'),
    ]);
    return { cert, key };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Writes through a temporary name so a crash never leaves half a key behind. */
async function writeSecure(path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode });
  await rename(tmp, path);
}

async function writePair(dir: string, name: string, pair: CertAndKey): Promise<void> {
  await writeSecure(join(dir, `${name}.key`), pair.key, 0o600);
  await writeSecure(join(dir, `${name}.crt`), pair.cert, 0o644);
}

/** Why a stored leaf certificate cannot be kept, or undefined when it can. */
function leafProblem(pair: CertAndKey, ca: X509Certificate, wantSans: string[]): string | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pair.cert);
    if (!cert.checkPrivateKey(createPrivateKey(pair.key))) return 'key does not match';
  } catch {
    return 'unreadable';
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'not signed by the CA';
  if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return 'expiring';
  const have = certSans(cert);
  const missing = wantSans.filter((s) => !have.has(canonicalSan(s)));
  if (missing.length > 0) return `missing SANs ${missing.join(',')}`;
  return undefined;
}

function caUsable(pair: CertAndKey | undefined): pair is CertAndKey {
  if (!pair) return false;
  try {
    const cert = new X509Certificate(pair.cert);
    return cert.ca && cert.checkPrivateKey(createPrivateKey(pair.key)) && Date.parse(cert.validTo) - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

async function ensureServiceAccountKey(dir: string): Promise<{ key: string; publicKey: string; made: boolean }> {
  const keyPath = join(dir, 'sa.key');
  const pubPath = join(dir, 'sa.pub');
  try {
    const key = await readFile(keyPath, 'utf8');
    // The public half is derived, so a stale sa.pub can never disagree with sa.key.
    const publicKey = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    return { key, publicKey, made: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const { generateKeyPair } = await import('./certs.ts');
  const pair = await generateKeyPair();
  await writeSecure(keyPath, pair.key, 0o600);
  await writeSecure(pubPath, pair.publicKey, 0o644);
  return { ...pair, made: true };
}

/** Loads DATA_DIR/pki, making whatever is missing or unusable. */
export async function ensurePki(dataDir: string, opts: PkiOptions = {}): Promise<Pki> {
  const dir = join(dataDir, 'pki');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const note = opts.onEvent ?? (() => {});
  // certs.ts (and @peculiar/x509 with it) loads only when something must be made.
  const gen = () => import('./certs.ts');

  let ca = await readPair(dir, 'ca');
  const caFresh = !caUsable(ca);
  if (caFresh || !ca) {
    ca = await (await gen()).generateCa(`kubets-ca@${Math.floor(Date.now() / 1000)}`);
    await writePair(dir, 'ca', ca);
    note('generated', 'ca');
  } else {
    note('reused', 'ca');
  }
  const caCert = new X509Certificate(ca.cert);
  const issuer = ca;

  const leaf = async (name: string, spec: LeafSpec): Promise<CertAndKey> => {
    const stored = caFresh ? undefined : await readPair(dir, name);
    if (stored && !leafProblem(stored, caCert, spec.sans ?? [])) {
      note('reused', name);
      return stored;
    }
    const made = await (await gen()).generateLeaf(issuer, spec);
    await writePair(dir, name, made);
    note('generated', name);
    return made;
  };

  const [serving, admin, controllerManager, scheduler, cloudControllerManager, sa, frontProxy] = await Promise.all([
    leaf('apiserver', { commonName: 'kube-apiserver', sans: servingSans(opts), usage: 'server' }),
    leaf('admin', { commonName: ADMIN_USER, organizations: [ADMIN_GROUP], usage: 'client' }),
    leaf('controller-manager', { commonName: CONTROLLER_MANAGER_USER, usage: 'client' }),
    leaf('scheduler', { commonName: SCHEDULER_USER, usage: 'client' }),
    leaf('cloud-controller-manager', { commonName: CLOUD_CONTROLLER_MANAGER_USER, usage: 'client' }),
    ensureServiceAccountKey(dir),
    ensureFrontProxy(dir, note),
  ]);
  note(sa.made ? 'generated' : 'reused', 'sa');
  return assemblePki(dir, { ca, serving, admin, controllerManager, scheduler, cloudControllerManager, ...frontProxy }, sa);
}

/** The front-proxy CA and its client certificate (kept apart from the cluster CA, as kubeadm does). */
async function ensureFrontProxy(dir: string, note: NonNullable<PkiOptions['onEvent']>): Promise<Pick<ClusterCerts, 'frontProxyCa' | 'frontProxyClient'>> {
  const gen = () => import('./certs.ts');
  let ca = await readPair(dir, 'front-proxy-ca');
  const fresh = !caUsable(ca);
  if (fresh || !ca) {
    ca = await (await gen()).generateCa(`front-proxy-ca@${Math.floor(Date.now() / 1000)}`);
    await writePair(dir, 'front-proxy-ca', ca);
    note('generated', 'front-proxy-ca');
  }
  let client = fresh ? undefined : await readPair(dir, 'front-proxy-client');
  if (!client || leafProblem(client, new X509Certificate(ca.cert), [])) {
    client = await (await gen()).generateLeaf(ca, { commonName: FRONT_PROXY_CLIENT, usage: 'client' });
    await writePair(dir, 'front-proxy-client', client);
    note('generated', 'front-proxy-client');
  }
  return { frontProxyCa: ca, frontProxyClient: client };
}

/** The cluster's certificates, made together: what a Pki holds besides its folder and SA key. */
export interface ClusterCerts {
  ca: CertAndKey;
  serving: CertAndKey;
  admin: CertAndKey;
  controllerManager: CertAndKey;
  scheduler: CertAndKey;
  cloudControllerManager: CertAndKey;
  frontProxyCa: CertAndKey;
  frontProxyClient: CertAndKey;
}

/** A Pki from its certificates and service-account key pair (dir '' when kept in memory). */
export function assemblePki(dir: string, c: ClusterCerts, sa: { key: string; publicKey: string }): Pki {
  return {
    dir,
    caCert: c.ca.cert,
    caKey: c.ca.key,
    servingCert: c.serving.cert,
    servingKey: c.serving.key,
    adminCert: c.admin.cert,
    adminKey: c.admin.key,
    controllerManagerCert: c.controllerManager.cert,
    controllerManagerKey: c.controllerManager.key,
    schedulerCert: c.scheduler.cert,
    schedulerKey: c.scheduler.key,
    cloudControllerManagerCert: c.cloudControllerManager.cert,
    cloudControllerManagerKey: c.cloudControllerManager.key,
    frontProxyCaCert: c.frontProxyCa.cert,
    frontProxyClientCert: c.frontProxyClient.cert,
    frontProxyClientKey: c.frontProxyClient.key,
    serviceAccountKey: sa.key,
    serviceAccountPublicKey: sa.publicKey,
  };
}
