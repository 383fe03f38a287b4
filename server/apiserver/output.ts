// Serializing responses: JSON or YAML, objects, lists (joined from pre-serialized items),
// Tables, and partial object metadata.

import * as yaml from 'js-yaml';
import type { KubeObject, ResourceType } from '../../api/types.ts';
import { groupVersion } from '../../api/types.ts';
import type { Output } from './negotiate.ts';

export interface Encoded {
  contentType: string;
  body: string;
}

export function encode(value: unknown, out: Output): Encoded {
  if (out.format === 'yaml') return { contentType: 'application/yaml', body: yaml.dump(value, { noRefs: true, lineWidth: -1 }) };
  return { contentType: 'application/json', body: out.pretty ? JSON.stringify(value, null, 2) + '\n' : JSON.stringify(value) };
}

/** Encodes an already-serialized JSON document for the chosen output. */
export function encodeJsonText(json: string, out: Output): Encoded {
  if (out.format === 'yaml' || out.pretty) return encode(JSON.parse(json), out);
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

/** A List as JSON text, joining items that are already serialized when possible. */
/**
 * A list's JSON from its page: the items' cached JSON when the page has it (`raw`), else the
 * items serialized. `items` is read only then: a cache page parses its items on first read.
 */
export function listJson(rt: ResourceType, page: { readonly items: KubeObject[]; readonly raw?: string[] }, m: ListMeta): string {
  const head = `{"kind":${JSON.stringify(rt.kind + 'List')},"apiVersion":${JSON.stringify(groupVersion(rt))},"metadata":${JSON.stringify(listMetaOf(m))},"items":[`;
  const parts = page.raw ?? page.items.map((i) => JSON.stringify(i));
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
