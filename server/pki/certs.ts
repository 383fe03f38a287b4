// Key and certificate generation with WebCrypto and @peculiar/x509.
// Keys are ECDSA P-256 (fast to make; Go's TLS, so kubectl and helm, and Node accept them).

import 'reflect-metadata'; // @peculiar/x509 pulls in tsyringe, which needs a Reflect polyfill
import * as x509 from '@peculiar/x509';
import { isIP } from 'node:net';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface KeyPairPem {
  /** PKCS#8 private key. */
  key: string;
  /** SPKI public key. */
  publicKey: string;
}

export interface CertAndKey {
  cert: string;
  key: string;
}

export interface Issuer {
  cert: string;
  key: string;
}

export interface LeafSpec {
  commonName: string;
  organizations?: string[];
  /** DNS names and IP addresses, mixed; IPs are told apart by syntax. */
  sans?: string[];
  usage: 'server' | 'client';
  days?: number;
}

function pem(kind: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${kind}-----\n${b64}-----END ${kind}-----\n`;
}

function derOf(pemText: string): Buffer {
  const body = pemText.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64');
}

async function newKeys(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

async function toPem(keys: CryptoKeyPair): Promise<KeyPairPem> {
  const [priv, pub] = await Promise.all([
    crypto.subtle.exportKey('pkcs8', keys.privateKey),
    crypto.subtle.exportKey('spki', keys.publicKey),
  ]);
  return { key: pem('PRIVATE KEY', priv), publicKey: pem('PUBLIC KEY', pub) };
}

async function importPrivate(keyPem: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', new Uint8Array(derOf(keyPem)), ALG, false, ['sign']);
}

/** Distinguished names are built from parts, so a value with a comma cannot change the name. */
function dn(commonName: string, organizations: string[] = []): x509.JsonName {
  return [...organizations.map((o) => ({ O: [o] })), { CN: [commonName] }];
}

function serial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f; // positive
  bytes[0] |= 0x01; // no leading zero byte
  return Buffer.from(bytes).toString('hex');
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  // A little back-dating tolerates clock skew between this host and its clients.
  return { notBefore: new Date(now - 5 * 60 * 1000), notAfter: new Date(now + days * DAY_MS) };
}

/** A key pair alone (the service-account token signing key). */
export async function generateKeyPair(): Promise<KeyPairPem> {
  return toPem(await newKeys());
}

/** A self-signed certificate authority. */
export async function generateCa(commonName: string, days = 3650): Promise<CertAndKey> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: dn(commonName),
    keys,
    signingAlgorithm: ALG,
    ...validity(days),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: (await toPem(keys)).key };
}

/** A serving or client certificate signed by the issuer. */
export async function generateLeaf(issuer: Issuer, spec: LeafSpec): Promise<CertAndKey> {
  const keys = await newKeys();
  const issuerCert = new x509.X509Certificate(issuer.cert);
  const signingKey = await importPrivate(issuer.key);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [spec.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(issuerCert, false),
  ];
  const sans = spec.sans ?? [];
  if (sans.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        sans.map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value })),
        false,
      ),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: dn(spec.commonName, spec.organizations),
    issuer: issuerCert.subjectName.toJSON(),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: ALG,
    ...validity(spec.days ?? 365),
    extensions,
  });
  return { cert: cert.toString('pem') + '\n', key: (await toPem(keys)).key };
}
