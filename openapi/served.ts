// A built document as the apiserver serves it: the JSON text, computed once, and its hash
// (hex SHA-512, upper case, as upstream puts in /openapi/v3 index URLs) for ETag.

import { createHash } from 'node:crypto';

export const KUBERNETES_VERSION = 'v1.34.0';

export interface ServedDocument<T> {
  document: T;
  json: string;
  hash: string;
  /** Quoted strong ETag. */
  etag: string;
}

export function served<T>(document: T): ServedDocument<T> {
  const json = JSON.stringify(document);
  const hash = createHash('sha512').update(json).digest('hex').toUpperCase();
  return { document, json, hash, etag: `"${hash}"` };
}
