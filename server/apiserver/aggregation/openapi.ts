// OpenAPI of extension apiservers merged into the served documents, as upstream's aggregator
// does: v2 gets their paths and definitions (never replacing a local one); the v3 index gets
// their group versions, each document served from what was last fetched. Merged documents
// are rebuilt only when the local document or a remote one changed.

import { createHash } from 'node:crypto';
import type { OpenApiDocs } from '../routes.ts';
import { encodeOpenAPIV2 } from '../../../openapi/proto/openapi-v2.ts';

export interface RemoteOpenApi {
  /** The parsed /openapi/v2 of each available extension apiserver, by APIService name. */
  v2(): Map<string, { paths?: Record<string, unknown>; definitions?: Record<string, unknown> }>;
  /** The /openapi/v3/apis/<group>/<version> documents, by 'apis/<group>/<version>'. */
  v3(): Map<string, string>;
  /** Changes whenever either map changes. */
  revision(): number;
}

export function mergedOpenApi(local: OpenApiDocs, remote: RemoteOpenApi): OpenApiDocs {
  let v2: { from: string; rev: number; json: string; doc: Record<string, unknown>; proto?: Buffer } | undefined;
  let index: { from: string; rev: number; json: string } | undefined;
  const docs: OpenApiDocs = {
    v2() {
      const base = local.v2();
      const specs = remote.v2();
      if (specs.size === 0) return base;
      if (v2?.from === base && v2.rev === remote.revision()) return v2.json;
      const doc = JSON.parse(base) as { paths: Record<string, unknown>; definitions: Record<string, unknown> };
      for (const name of [...specs.keys()].sort()) {
        const s = specs.get(name)!;
        for (const [p, v] of Object.entries(s.paths ?? {})) if (!(p in doc.paths)) doc.paths[p] = v;
        for (const [d, v] of Object.entries(s.definitions ?? {})) if (!(d in doc.definitions)) doc.definitions[d] = v;
      }
      v2 = { from: base, rev: remote.revision(), json: JSON.stringify(doc), doc };
      return v2.json;
    },
    v2Protobuf() {
      if (remote.v2().size === 0) return local.v2Protobuf();
      docs.v2();
      v2!.proto ??= Buffer.from(encodeOpenAPIV2(v2!.doc as unknown as Parameters<typeof encodeOpenAPIV2>[0]));
      return v2!.proto;
    },
    v3Index() {
      const base = local.v3Index();
      const docs = remote.v3();
      if (docs.size === 0) return base;
      if (index?.from === base && index.rev === remote.revision()) return index.json;
      const idx = JSON.parse(base) as { paths: Record<string, { serverRelativeURL: string }> };
      for (const [gv, json] of docs) {
        if (gv in idx.paths) continue;
        const hash = createHash('sha512').update(json).digest('hex').slice(0, 128).toUpperCase();
        idx.paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
      }
      index = { from: base, rev: remote.revision(), json: JSON.stringify(idx) };
      return index.json;
    },
    v3(path) {
      return local.v3(path) ?? remote.v3().get(path.replace(/^\/+/, ''));
    },
  };
  return docs;
}
