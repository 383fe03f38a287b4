// The encryption providers of upstream's EncryptionConfiguration: aescbc, aesgcm and
// secretbox, one instance per key. Each writes `k8s:enc:<provider>:v1:<key name>:` before
// its ciphertext, as upstream does, so a reader knows which key to use; our backends hold
// text, so the ciphertext after the prefix is base64.

import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';

export type ProviderKind = 'aescbc' | 'aesgcm' | 'secretbox';

/** One key of one provider: the prefix it writes and how it seals and opens a value. */
export interface KeyedProvider {
  kind: ProviderKind;
  keyName: string;
  /** `k8s:enc:aescbc:v1:key1:` */
  prefix: string;
  /** storageKey is the authenticated data aesgcm binds the value to (upstream does the same). */
  seal(plain: Buffer, storageKey: string): Buffer;
  open(sealed: Buffer, storageKey: string): Buffer;
}

/** Key lengths each provider takes, in bytes. */
export const KEY_SIZES: Record<ProviderKind, number[]> = {
  aescbc: [16, 24, 32],
  aesgcm: [16, 24, 32],
  secretbox: [32],
};

export function keyedProvider(kind: ProviderKind, keyName: string, key: Buffer): KeyedProvider {
  const prefix = `k8s:enc:${kind}:v1:${keyName}:`;
  switch (kind) {
    case 'aescbc':
      return { kind, keyName, prefix, seal: (p) => aesCbcSeal(key, p), open: (s) => aesCbcOpen(key, s) };
    case 'aesgcm':
      return { kind, keyName, prefix, seal: (p, k) => aesGcmSeal(key, p, k), open: (s, k) => aesGcmOpen(key, s, k) };
    case 'secretbox':
      return { kind, keyName, prefix, seal: (p) => secretboxSeal(key, p), open: (s) => secretboxOpen(key, s) };
  }
}

const aesCbc = (key: Buffer) => `aes-${key.length * 8}-cbc`;
const aesGcm = (key: Buffer) => `aes-${key.length * 8}-gcm` as CipherGCMTypes;

// AES-CBC with PKCS#7 padding; the random 16-byte IV goes first.
function aesCbcSeal(key: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(16);
  const c = createCipheriv(aesCbc(key), key, iv);
  return Buffer.concat([iv, c.update(plain), c.final()]);
}

function aesCbcOpen(key: Buffer, sealed: Buffer): Buffer {
  if (sealed.length < 32 || sealed.length % 16 !== 0) throw new Error('the stored data is not a whole number of AES blocks');
  const d = createDecipheriv(aesCbc(key), key, sealed.subarray(0, 16));
  return Buffer.concat([d.update(sealed.subarray(16)), d.final()]);
}

// AES-GCM: a random 12-byte nonce first, the 16-byte tag last; the storage key is the
// additional authenticated data, so a value copied under another key does not open.
function aesGcmSeal(key: Buffer, plain: Buffer, storageKey: string): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv(aesGcm(key), key, nonce);
  c.setAAD(Buffer.from(storageKey));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]);
}

function aesGcmOpen(key: Buffer, sealed: Buffer, storageKey: string): Buffer {
  if (sealed.length < 28) throw new Error('the stored data is shorter than a nonce and a tag');
  const d = createDecipheriv(aesGcm(key), key, sealed.subarray(0, 12));
  d.setAAD(Buffer.from(storageKey));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
}

// secretbox (XSalsa20-Poly1305): a random 24-byte nonce first.
function secretboxSeal(key: Buffer, plain: Buffer): Buffer {
  const nonce = randomBytes(24);
  return Buffer.concat([nonce, Buffer.from(xsalsa20poly1305(key, nonce).encrypt(plain))]);
}

function secretboxOpen(key: Buffer, sealed: Buffer): Buffer {
  if (sealed.length < 40) throw new Error('the stored data is shorter than a nonce and a tag');
  return Buffer.from(xsalsa20poly1305(key, sealed.subarray(0, 24)).decrypt(sealed.subarray(24)));
}
