// The PKI of an embedded kubets, made in memory (never written to disk): a CA, the serving
// certificate, the admin client certificate and the service-account signing key. Keys are
// ECDSA P-256 (certs.ts), a few milliseconds each. The CA is made once per process and shared
// by every instance that does not keep a data dir: each instance still gets its own serving,
// admin and service-account keys, and a test's certificates are only ever trusted by
// instances of the same process.

import { generateCa, generateKeyPair, generateLeaf, type CertAndKey } from '../server/pki/certs.ts';
import { ADMIN_GROUP, ADMIN_USER, servingSans, type Pki } from '../server/pki/index.ts';

let processCa: Promise<CertAndKey> | undefined;

/** The CA shared by the in-memory instances of this process. */
export function sharedCa(): Promise<CertAndKey> {
  processCa ??= generateCa(`kubets-embedded-ca@${Math.floor(Date.now() / 1000)}`);
  return processCa;
}

/** A whole PKI in memory, signed by `ca` (the process's shared CA by default). */
export async function memoryPki(ca?: CertAndKey): Promise<Pki> {
  const issuer = ca ?? (await sharedCa());
  const [serving, admin, sa] = await Promise.all([
    generateLeaf(issuer, { commonName: 'kube-apiserver', sans: servingSans({ hostname: 'localhost' }), usage: 'server' }),
    generateLeaf(issuer, { commonName: ADMIN_USER, organizations: [ADMIN_GROUP], usage: 'client' }),
    generateKeyPair(),
  ]);
  return {
    dir: '',
    caCert: issuer.cert,
    caKey: issuer.key,
    servingCert: serving.cert,
    servingKey: serving.key,
    adminCert: admin.cert,
    adminKey: admin.key,
    serviceAccountKey: sa.key,
    serviceAccountPublicKey: sa.publicKey,
  };
}

/** A client certificate for `user` in `groups`, signed by the instance's CA. */
export function userCertificate(pki: Pki, user: string, groups: string[] = []): Promise<CertAndKey> {
  return generateLeaf({ cert: pki.caCert, key: pki.caKey }, { commonName: user, organizations: groups, usage: 'client' });
}
