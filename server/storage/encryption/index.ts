// Secrets (and whatever else the configuration names) encrypted at rest: load upstream's
// EncryptionConfiguration and wrap the store with it.

import type { Backend } from '../types.ts';
import { encryptingBackend } from './backend.ts';
import { identityTransformer, loadEncryptionConfig, type EncryptionConfig, type Transformer } from './config.ts';

export { EncryptionConfigError, loadEncryptionConfig, parseEncryptionConfig, type EncryptionConfig } from './config.ts';
export { encryptingBackend } from './backend.ts';

/** Where each resource is stored: its key prefix, storage group and resource. */
export interface StoredResource {
  prefix: string;
  group: string;
  resource: string;
}

/**
 * The store wrapped with the configuration in `path`. Keys map to resources by their stored
 * prefix (`/registry/secrets/`, `/registry/apps/deployments/`); `invalidate` after the served
 * resources change (a CRD added) so its keys find their transformer.
 */
export function withEncryption(backend: Backend, path: string, resources: () => Iterable<StoredResource>): { backend: Backend; invalidate(): void } {
  const config: EncryptionConfig = loadEncryptionConfig(path);
  let byPrefix: Map<string, Transformer> | undefined;
  const transformerOf = (key: string): Transformer => {
    byPrefix ??= new Map([...resources()].map((r) => [r.prefix, config.transformerFor(r.group, r.resource)]));
    // /registry/<group>/<resource>/... or /registry/<resource>/... (the core group)
    const a = key.indexOf('/', 10);
    const b = a < 0 ? -1 : key.indexOf('/', a + 1);
    return (b > 0 && byPrefix.get(key.slice(0, b + 1))) || (a > 0 && byPrefix.get(key.slice(0, a + 1))) || identityTransformer;
  };
  return { backend: encryptingBackend(backend, transformerOf), invalidate: () => (byPrefix = undefined) };
}
