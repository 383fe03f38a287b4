// Certificate requests (PKCS#10) as the CSR controllers see them, and signing one with the
// cluster CA for a signer's usages and duration. Loaded only by the csrsigning and
// csrapproving controllers (it pulls in @peculiar/x509).

import 'reflect-metadata'; // @peculiar/x509 pulls in tsyringe, which needs a Reflect polyfill
import * as x509 from '@peculiar/x509';
import { randomBytes } from 'node:crypto';
import type { Issuer } from './certs.ts';

export interface ParsedCsr {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  /** Whether the request is signed by the key it carries. */
  signatureValid: boolean;
  request: x509.Pkcs10CertificateRequest;
}

function attr(name: x509.Name, type: string): string[] {
  return name.getField(type);
}

const SAN_OID = '2.5.29.17';

function sanOf(request: x509.Pkcs10CertificateRequest): x509.SubjectAlternativeNameExtension | undefined {
  const ext = request.getExtension(SAN_OID);
  return ext ? new x509.SubjectAlternativeNameExtension(ext.rawData) : undefined;
}

/** Parses a PEM CERTIFICATE REQUEST; throws with a readable message when it is not one. */
export async function parseCsr(pem: string): Promise<ParsedCsr> {
  const request = new x509.Pkcs10CertificateRequest(pem);
  const san = sanOf(request);
  const names = san?.names.items ?? [];
  const of = (t: string) => names.filter((n) => n.type === t).map((n) => n.value);
  return {
    commonName: attr(request.subjectName, 'CN')[0] ?? '',
    organizations: attr(request.subjectName, 'O'),
    dnsNames: of('dns'),
    ipAddresses: of('ip'),
    emailAddresses: of('email'),
    uris: of('url'),
    signatureValid: await request.verify(),
    request,
  };
}

const KEY_USAGE_FLAGS: Record<string, number> = {
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'content commitment': x509.KeyUsageFlags.nonRepudiation,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'key agreement': x509.KeyUsageFlags.keyAgreement,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
  'cert sign': x509.KeyUsageFlags.keyCertSign,
  'crl sign': x509.KeyUsageFlags.cRLSign,
  'encipher only': x509.KeyUsageFlags.encipherOnly,
  'decipher only': x509.KeyUsageFlags.decipherOnly,
};
const EXT_KEY_USAGES: Record<string, string> = {
  'server auth': x509.ExtendedKeyUsage.serverAuth,
  'client auth': x509.ExtendedKeyUsage.clientAuth,
  'code signing': x509.ExtendedKeyUsage.codeSigning,
  'email protection': x509.ExtendedKeyUsage.emailProtection,
  timestamping: x509.ExtendedKeyUsage.timeStamping,
  'ocsp signing': x509.ExtendedKeyUsage.ocspSigning,
};

const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;

function derOf(pemText: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(pemText.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

/** Signs csr with the CA: its subject, public key and SANs, the given usages, notAfter = now + durationMs (capped by the CA's). */
export async function signCsr(issuer: Issuer, csr: ParsedCsr, usages: string[], durationMs: number, now: Date): Promise<string> {
  const issuerCert = new x509.X509Certificate(issuer.cert);
  const signingKey = await crypto.subtle.importKey('pkcs8', derOf(issuer.key), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const flags = usages.reduce((f, u) => f | (KEY_USAGE_FLAGS[u] ?? 0), 0);
  const ekus = usages.map((u) => EXT_KEY_USAGES[u]).filter((e): e is string => !!e);
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  if (flags) extensions.push(new x509.KeyUsagesExtension(flags, true));
  if (ekus.length) extensions.push(new x509.ExtendedKeyUsageExtension(ekus, false));
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuerCert, false));
  const san = sanOf(csr.request);
  if (san) extensions.push(new x509.SubjectAlternativeNameExtension(san.names.toJSON(), false));
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  const notBefore = new Date(now.getTime() - 5 * 60_000);
  const notAfter = new Date(Math.min(now.getTime() + durationMs, issuerCert.notAfter.getTime()));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: csr.request.subjectName.toJSON(),
    issuer: issuerCert.subjectName.toJSON(),
    publicKey: csr.request.publicKey,
    signingKey,
    signingAlgorithm: SIGN_ALG,
    notBefore,
    notAfter,
    extensions,
  });
  return cert.toString('pem') + '\n';
}
