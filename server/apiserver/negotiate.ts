// Content negotiation: what the client accepts (JSON, YAML, a Table, partial metadata) and
// what it sent. Protobuf is not served: clients that offer JSON as well fall back to it.

import { StatusError } from '../../api/meta/errors.ts';

export type OutputFormat = 'json' | 'yaml';
export type OutputAs = 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList' | undefined;

export interface Output {
  format: OutputFormat;
  as: OutputAs;
  /** meta.k8s.io version requested for a Table / partial metadata (v1 or v1beta1). */
  asVersion?: string;
  pretty: boolean;
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [type, ...rest] = part.trim().split(';');
    if (!type) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rest) {
      const [k, v = ''] = p.split('=');
      const key = k.trim().toLowerCase();
      if (key === 'q') q = Number(v) || 0;
      else params[key] = v.trim();
    }
    ranges.push({ type: type.trim().toLowerCase(), params, q });
  }
  return ranges.sort((a, b) => b.q - a.q);
}

const JSON_TYPES = new Set(['application/json', 'application/*', '*/*', 'application/json-seq', 'application/jsonl']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

/**
 * Chooses the response form. `supportsAs` says which transformations the endpoint can do
 * (tables for lists/gets/watches of resources; none for discovery).
 */
export function negotiateOutput(accept: string | undefined, opts: { supportsAs: boolean; pretty?: boolean }): Output {
  const pretty = opts.pretty ?? false;
  if (!accept) return { format: 'json', as: undefined, pretty };
  const ranges = parseAccept(accept);
  for (const r of ranges) {
    const format: OutputFormat | undefined = JSON_TYPES.has(r.type) ? 'json' : YAML_TYPES.has(r.type) ? 'yaml' : undefined;
    if (!format || r.q === 0) continue;
    const as = r.params['as'];
    if (as) {
      if (!opts.supportsAs) continue;
      const g = r.params['g'];
      const v = r.params['v'];
      if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
      if (as === 'Table' || as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') {
        return { format, as, asVersion: v, pretty };
      }
      continue;
    }
    return { format, as: undefined, pretty };
  }
  throw new StatusError(
    406,
    'NotAcceptable',
    `only the following media types are accepted: application/json, application/yaml`,
  );
}

export type BodyType = 'json' | 'yaml' | 'protobuf' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

/** The request body's type from Content-Type; 415 for what we cannot decode. */
export function bodyType(contentType: string | undefined, forPatch: boolean): BodyType {
  const t = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (forPatch) {
    switch (t) {
      case 'application/json-patch+json':
        return 'json-patch';
      case 'application/merge-patch+json':
        return 'merge-patch';
      case 'application/strategic-merge-patch+json':
        return 'strategic-merge-patch';
      case 'application/apply-patch+yaml':
        return 'apply-patch';
    }
    throw new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
    );
  }
  if (t === 'application/json' || t === '') return 'json';
  if (YAML_TYPES.has(t)) return 'yaml';
  if (t === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  throw new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
  );
}
