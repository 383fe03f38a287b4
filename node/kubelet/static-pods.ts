// Static pods: Pod manifests (YAML or JSON, one Pod per file) in a folder on the node. Each
// becomes a mirror pod in the API, named <name>-<node>, bound to this node and annotated as
// upstream's (kubernetes.io/config.source=file, config.hash, config.mirror), which the pod
// workers then run like any other pod. The folder is read every 20 s (upstream's
// fileCheckFrequency); a changed file replaces its pod, a removed file deletes it.
// Unlike upstream, the mirror pod is what drives the pod here: deleting it stops the pod
// until the next read recreates it.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { Pod } from '../../api/core/pod/types.ts';
import type { Client, Log } from '../../client/types.ts';
import { PODS } from './api-refs.ts';

export const SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
export const FILE_CHECK_MS = 20_000;

/** The mirror pod of one manifest, or an error message. */
export function mirrorPod(text: string, file: string, nodeName: string): Pod | string {
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : load(text);
  } catch (e) {
    return `${file}: ${e instanceof Error ? e.message : String(e)}`;
  }
  const pod = doc as Pod;
  if (!pod || pod.kind !== 'Pod' || !pod.metadata?.name) return `${file}: not a Pod with a name`;
  const hash = createHash('md5').update(text).digest('hex');
  return {
    ...pod,
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...pod.metadata,
      name: `${pod.metadata.name}-${nodeName}`,
      namespace: pod.metadata.namespace ?? 'default',
      annotations: { ...pod.metadata.annotations, [SOURCE_ANNOTATION]: 'file', [HASH_ANNOTATION]: hash, [MIRROR_ANNOTATION]: hash },
    },
    spec: { ...pod.spec, nodeName },
  };
}

export interface StaticPods {
  /** Reads the folder once and makes the API agree. */
  sync(): Promise<void>;
}

export function staticPods(opts: { client: Client; dir: string; nodeName: string; log: Log; mirrors: () => Pod[] }): StaticPods {
  const { client, log } = opts;
  return {
    async sync() {
      let files: string[];
      try {
        files = readdirSync(opts.dir).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith('.'));
      } catch {
        files = [];
      }
      const wanted = new Map<string, Pod>();
      for (const f of files) {
        const p = mirrorPod(readFileSync(join(opts.dir, f), 'utf8'), f, opts.nodeName);
        if (typeof p === 'string') log.warn('static pod manifest skipped', { err: p });
        else wanted.set(`${p.metadata!.namespace}/${p.metadata!.name}`, p);
      }
      const existing = new Map(opts.mirrors().map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]));
      for (const [key, p] of wanted) {
        const have = existing.get(key);
        if (have?.metadata?.annotations?.[HASH_ANNOTATION] === p.metadata?.annotations?.[HASH_ANNOTATION] || have?.metadata?.deletionTimestamp) continue;
        if (have) await client.delete(PODS, p.metadata!.namespace!, p.metadata!.name!, { gracePeriodSeconds: 30, preconditions: { uid: have.metadata?.uid } }).catch(() => undefined);
        else await client.create(PODS, p.metadata!.namespace!, p).catch((e) => log.warn('creating a mirror pod failed', { pod: key, err: (e as Error).message }));
      }
      for (const [key, p] of existing) {
        if (!wanted.has(key) && !p.metadata?.deletionTimestamp) await client.delete(PODS, p.metadata!.namespace!, p.metadata!.name!, { preconditions: { uid: p.metadata?.uid } }).catch(() => undefined);
      }
    },
  };
}
