// Upstream's EncryptionConfiguration (apiserver.config.k8s.io/v1): which resources are
// encrypted, and by which providers. The first provider of a resource's list writes; every
// provider (and identity, if listed) reads, so keys rotate by adding a key, rewriting, and
// dropping the old one.

import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { KEY_SIZES, keyedProvider, type KeyedProvider, type ProviderKind } from './providers.ts';

export const ENCRYPTED_PREFIX = 'k8s:enc:';

/** Turns a stored value into plaintext and back for one resource. */
export interface Transformer {
  write(plain: string, storageKey: string): string;
  /** stale: written by a provider or key other than the one that writes now (rewrite it). */
  read(stored: string, storageKey: string): { value: string; stale: boolean };
}

/** Resources the configuration does not name are stored as they are, as upstream's identity. */
export const identityTransformer: Transformer = {
  write: (plain) => plain,
  read(stored) {
    if (stored.startsWith(ENCRYPTED_PREFIX)) throw new Error('identity transformer tried to read encrypted data');
    return { value: stored, stale: false };
  },
};

type Entry = { identity: true } | { identity: false; keys: KeyedProvider[] };

class ProviderTransformer implements Transformer {
  private readonly byPrefix = new Map<string, KeyedProvider>();
  private readonly hasIdentity: boolean;

  constructor(private readonly entries: Entry[]) {
    for (const e of entries) if (!e.identity) for (const k of e.keys) if (!this.byPrefix.has(k.prefix)) this.byPrefix.set(k.prefix, k);
    this.hasIdentity = entries.some((e) => e.identity);
  }

  private get writer(): KeyedProvider | undefined {
    const first = this.entries[0]!;
    return first.identity ? undefined : first.keys[0];
  }

  write(plain: string, storageKey: string): string {
    const w = this.writer;
    return w ? w.prefix + w.seal(Buffer.from(plain), storageKey).toString('base64') : plain;
  }

  read(stored: string, storageKey: string): { value: string; stale: boolean } {
    if (stored.startsWith(ENCRYPTED_PREFIX)) {
      // The prefix names the provider and key: k8s:enc:<kind>:v1:<name>:
      const end = nthIndexOf(stored, ':', 5);
      const provider = end < 0 ? undefined : this.byPrefix.get(stored.slice(0, end + 1));
      if (!provider) throw new Error('no matching prefix found');
      const plain = provider.open(Buffer.from(stored.slice(provider.prefix.length), 'base64'), storageKey).toString('utf8');
      return { value: plain, stale: provider !== this.writer };
    }
    if (!this.hasIdentity) throw new Error('no matching prefix found');
    return { value: stored, stale: this.writer !== undefined };
  }
}

function nthIndexOf(s: string, ch: string, n: number): number {
  let i = -1;
  for (let k = 0; k < n; k++) {
    i = s.indexOf(ch, i + 1);
    if (i < 0) return -1;
  }
  return i;
}

export interface EncryptionConfig {
  /** The transformer for a group and resource (core group ''): the first list naming it wins. */
  transformerFor(group: string, resource: string): Transformer;
}

export class EncryptionConfigError extends Error {}

export function loadEncryptionConfig(path: string): EncryptionConfig {
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new EncryptionConfigError(`error loading encryption provider configuration file "${path}": ${(e as Error).message}`);
  }
  return parseEncryptionConfig(doc);
}

export function parseEncryptionConfig(doc: unknown): EncryptionConfig {
  const errs: string[] = [];
  const d = (doc ?? {}) as { apiVersion?: unknown; kind?: unknown; resources?: unknown };
  if (d.kind !== 'EncryptionConfiguration' || d.apiVersion !== 'apiserver.config.k8s.io/v1') {
    throw new EncryptionConfigError(`expected apiVersion apiserver.config.k8s.io/v1 and kind EncryptionConfiguration, got ${String(d.apiVersion)} ${String(d.kind)}`);
  }
  const lists: { patterns: string[]; transformer: Transformer }[] = [];
  const resources = Array.isArray(d.resources) ? d.resources : [];
  if (!resources.length) errs.push('resources: Required value: resources is a required field that must be specified');
  resources.forEach((r: { resources?: unknown; providers?: unknown }, i) => {
    const patterns = Array.isArray(r?.resources) ? (r.resources as unknown[]).map(String) : [];
    if (!patterns.length) errs.push(`resources[${i}].resources: Required value: resources is a required field that must be specified`);
    const providers = Array.isArray(r?.providers) ? (r.providers as Record<string, unknown>[]) : [];
    if (!providers.length) errs.push(`resources[${i}].providers: Required value: providers is a required field that must be specified`);
    const entries = providers.map((p, j) => parseProvider(p, `resources[${i}].providers[${j}]`, errs));
    if (entries.every((e) => e)) lists.push({ patterns, transformer: new ProviderTransformer(entries as Entry[]) });
  });
  if (errs.length) throw new EncryptionConfigError(errs.join(', '));
  const memo = new Map<string, Transformer>();
  return {
    transformerFor(group, resource) {
      const id = `${resource}.${group}`;
      let t = memo.get(id);
      if (!t) {
        t = lists.find((l) => l.patterns.some((p) => matches(p, group, resource)))?.transformer ?? identityTransformer;
        memo.set(id, t);
      }
      return t;
    },
  };
}

/** `secrets`, `secrets.`, `deployments.apps`, `*.apps`, `*.` (the core group) and `*.*`. */
function matches(pattern: string, group: string, resource: string): boolean {
  if (pattern === '*.*') return true;
  const dot = pattern.indexOf('.');
  const [r, g] = dot < 0 ? [pattern, ''] : [pattern.slice(0, dot), pattern.slice(dot + 1)];
  return g === group && (r === '*' || r === resource);
}

function parseProvider(p: Record<string, unknown>, path: string, errs: string[]): Entry | undefined {
  const kinds = Object.keys(p ?? {});
  if (kinds.length !== 1) {
    errs.push(`${path}: Invalid value: exactly one provider must be configured per entry, got ${kinds.length}`);
    return undefined;
  }
  const kind = kinds[0]!;
  if (kind === 'identity') return { identity: true };
  if (kind === 'kms') {
    errs.push(`${path}.kms: Unsupported value: kubets has no KMS plugin support; use aescbc, aesgcm or secretbox`);
    return undefined;
  }
  if (!(kind in KEY_SIZES)) {
    errs.push(`${path}: Unsupported value: "${kind}": supported values: "aescbc", "aesgcm", "secretbox", "identity"`);
    return undefined;
  }
  const sizes = KEY_SIZES[kind as ProviderKind];
  const keys = ((p[kind] as { keys?: unknown })?.keys ?? []) as { name?: unknown; secret?: unknown }[];
  if (!Array.isArray(keys) || !keys.length) {
    errs.push(`${path}.${kind}.keys: Required value: keys is a required field that must be specified`);
    return undefined;
  }
  const out: KeyedProvider[] = [];
  const names = new Set<string>();
  keys.forEach((k, i) => {
    const at = `${path}.${kind}.keys[${i}]`;
    const name = typeof k?.name === 'string' ? k.name : '';
    if (!name) return void errs.push(`${at}.name: Required value: key name is required`);
    if (name.includes(':')) return void errs.push(`${at}.name: Invalid value: "${name}": should not contain ':'`);
    if (names.has(name)) return void errs.push(`${at}.name: Duplicate value: "${name}"`);
    names.add(name);
    const secret = typeof k?.secret === 'string' ? Buffer.from(k.secret, 'base64') : Buffer.alloc(0);
    if (!sizes.includes(secret.length)) {
      return void errs.push(`${at}.secret: Invalid value: "REDACTED": secret is not of the expected length, got ${secret.length}, expected one of [${sizes.join(' ')}]`);
    }
    out.push(keyedProvider(kind as ProviderKind, name, secret));
  });
  return out.length === keys.length ? { identity: false, keys: out } : undefined;
}
