// One certificate through the CertificateSigningRequest API, as the kubelet's certificate
// manager asks for it: a fresh ECDSA P-256 key, a PKCS#10 request made with @peculiar/x509,
// POSTed under a signer, then waited for until the controllers approve and sign it (or deny
// it, or mark it Failed).

import type * as X509 from '@peculiar/x509';
import { isIP } from 'node:net';
import type { KubeObject } from '../../api/types.ts';
import type { Client, ResourceRef } from '../../client/types.ts';

export const CSRS: ResourceRef = { group: 'certificates.k8s.io', version: 'v1', plural: 'certificatesigningrequests', kind: 'CertificateSigningRequest', namespaced: false };
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface CertificateRequestSpec {
  signerName: string;
  commonName: string;
  organizations: string[];
  /** DNS names and IPs (told apart by syntax). */
  sans?: string[];
  usages: string[];
  /** The CSR object's generateName. */
  generateName: string;
}

export interface IssuedCertificate {
  cert: string;
  key: string;
  csrName: string;
}

function pem(kind: string, der: ArrayBuffer): string {
  return `-----BEGIN ${kind}-----\n${Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${kind}-----\n`;
}

/**
 * @peculiar/x509 on demand: ~10-15 MB of RSS (its ASN.1 schemas, tsyringe) that an agent
 * restarting with valid certificates never needs.
 */
async function loadX509(): Promise<typeof X509> {
  await import('reflect-metadata'); // @peculiar/x509 pulls in tsyringe, which needs a Reflect polyfill
  return import('@peculiar/x509');
}

/** A new key and a PEM CERTIFICATE REQUEST for it. */
export async function makeRequest(spec: Omit<CertificateRequestSpec, 'signerName' | 'usages' | 'generateName'>): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await crypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const x509 = await loadX509();
  const extensions: X509.Extension[] = [];
  if (spec.sans?.length) {
    extensions.push(new x509.SubjectAlternativeNameExtension(spec.sans.map((v) => ({ type: isIP(v) ? ('ip' as const) : ('dns' as const), value: v }))));
  }
  const name: X509.JsonName = [...spec.organizations.map((o) => ({ O: [o] })), { CN: [spec.commonName] }];
  const req = await x509.Pkcs10CertificateRequestGenerator.create({ name, keys, signingAlgorithm: ALG, extensions });
  return { csrPem: req.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}

type Csr = KubeObject & { status?: { certificate?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] } };

export class CertificateRequestError extends Error {}

/** Posts a CSR and waits (polling; at most timeoutMs) for its certificate. */
export async function requestCertificate(client: Client, spec: CertificateRequestSpec, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<IssuedCertificate> {
  const { csrPem, keyPem } = await makeRequest(spec);
  const created = await client.create<Csr>(CSRS, '', {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { generateName: spec.generateName },
    spec: { request: Buffer.from(csrPem).toString('base64'), signerName: spec.signerName, usages: spec.usages },
  });
  const name = created.metadata!.name!;
  const deadline = Date.now() + (opts.timeoutMs ?? 5 * 60_000);
  for (;;) {
    const csr = await client.get<Csr>(CSRS, '', name);
    const bad = (csr.status?.conditions ?? []).find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status === 'True');
    if (bad) throw new CertificateRequestError(`certificate signing request ${name} was ${bad.type === 'Denied' ? 'denied' : 'not signed'}: ${bad.reason ?? ''} ${bad.message ?? ''}`.trim());
    if (csr.status?.certificate) return { cert: Buffer.from(csr.status.certificate, 'base64').toString('utf8'), key: keyPem, csrName: name };
    if (Date.now() > deadline) throw new CertificateRequestError(`certificate signing request ${name} was not approved and signed within ${Math.round((opts.timeoutMs ?? 300_000) / 1000)} s (is the controller-manager running?)`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}
