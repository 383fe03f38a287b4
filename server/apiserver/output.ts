// Serializing responses: JSON or YAML, objects, lists (joined from pre-serialized items),
// Tables, and partial object metadata.

import * as yaml from 'js-yaml';
import type { KubeObject, ResourceType } from '../../api/types.ts';
import { groupVersion } from '../../api/types.ts';
import type { Output } from './negotiate.ts';

export interface Encoded {
  contentType: string;
  body: string | Buffer;
}

export function encode(value: unknown, out: Output): Encoded {
  if (out.format === 'yaml') return { contentType: 'application/yaml', body: yaml.dump(value, { noRefs: true, lineWidth: -1 }) };
  return { contentType: 'application/json', body: out.pretty ? JSON.stringify(value, null, 2) + '\n' : JSON.stringify(value) };
}

/** Encodes an already-serialized JSON document (text or UTF-8 bytes) for the chosen output. */
export function encodeJsonText(json: string | Buffer, out: Output): Encoded {
  if (out.format === 'yaml' || out.pretty) return encode(JSON.parse(json.toString()), out);
  return { contentType: 'application/json', body: json };
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export function listMetaOf(m: ListMeta): Record<string, unknown> {
  const lm: Record<string, unknown> = { resourceVersion: m.resourceVersion };
  if (m.continue) lm.continue = m.continue;
  if (m.remainingItemCount !== undefined && m.continue) lm.remainingItemCount = m.remainingItemCount;
  return lm;
}

const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}');

/**
 * A list's JSON from its page: the items' cached JSON when the page has it (`raw`), else the
 * items serialized. `items` is read only then: a cache page parses its items on first read.
 * The watch cache's bytes are copied into the answer as they are (no string of them, no
 * re-encoding).
 */
export function listJson(rt: ResourceType, page: { readonly items: KubeObject[]; readonly raw?: readonly (string | Buffer)[] }, m: ListMeta): string | Buffer {
  const head = `{"kind":${JSON.stringify(rt.kind + 'List')},"apiVersion":${JSON.stringify(groupVersion(rt))},"metadata":${JSON.stringify(listMetaOf(m))},"items":[`;
  const raw = page.raw;
  if (raw?.some(Buffer.isBuffer)) {
    const parts: Buffer[] = [Buffer.from(head)];
    raw.forEach((p, i) => {
      if (i) parts.push(COMMA);
      parts.push(typeof p === 'string' ? Buffer.from(p) : p);
    });
    parts.push(LIST_END);
    return Buffer.concat(parts);
  }
  const parts = raw ?? page.items.map((i) => JSON.stringify(i));
  return head + parts.join(',') + ']}';
}

export function partialObjectMetadata(obj: KubeObject, version: string): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata ?? {} };
}

export function partialObjectMetadataList(items: KubeObject[], version: string, m: ListMeta): Record<string, unknown> {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: listMetaOf(m),
    items: items.map((i) => partialObjectMetadata(i, version)),
  };
}
