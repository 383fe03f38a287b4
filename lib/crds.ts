// CRDs from files or folders (YAML, several documents per file, or JSON; a List's items too),
// applied server-side and waited for as envtest does: Established, then served (discovery
// names the kind), so the test's first request to the new resource does not get a 404.

import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { loadAll } from 'js-yaml';
import type { RestClient } from '../client/rest.ts';
import type { ResourceRef } from '../client/types.ts';
import type { KubeObject, WaitOptions } from './types.ts';
import { conditionIs, resourceFor, waitFor } from './wait.ts';

const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false };
const MANIFEST = new Set(['.yaml', '.yml', '.json']);

async function manifestFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => MANIFEST.has(extname(n).toLowerCase())).sort();
  return names.map((n) => join(path, n));
}

/** Every CustomResourceDefinition in these files and folders (other kinds are skipped), in file order. */
export async function readCrds(paths: string | string[]): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const p of typeof paths === 'string' ? [paths] : paths) {
    for (const file of await manifestFiles(p)) {
      const docs = loadAll(await readFile(file, 'utf8'), null, { filename: file });
      const flat = docs.flatMap((d) => (isObject(d) && Array.isArray(d.items) ? (d.items as unknown[]) : [d]));
      for (const d of flat) {
        if (isObject(d) && d.kind === 'CustomResourceDefinition') out.push(d as KubeObject);
      }
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface CrdShape {
  metadata?: { name?: string };
  spec?: { group?: string; names?: { kind?: string }; versions?: { name?: string; served?: boolean }[] };
}

/** Applies the CRDs (server-side apply, field manager kubets-embed) and waits until each is served. */
export async function applyCrds(client: RestClient, paths: string | string[], opts: WaitOptions = {}): Promise<KubeObject[]> {
  const crds = await readCrds(paths);
  const applied: KubeObject[] = [];
  for (const crd of crds) {
    const name = (crd as CrdShape).metadata?.name;
    if (!name) throw new Error('a CustomResourceDefinition without metadata.name');
    applied.push(await client.patch(CRDS, '', name, 'apply', crd, { fieldManager: 'kubets-embed', force: true }));
  }
  await Promise.all(
    applied.map(async (crd) => {
      const ready = await waitFor<CrdShape>(client, crd, conditionIs('Established'), opts);
      const { spec } = ready as CrdShape;
      const kind = spec?.names?.kind ?? '';
      for (const v of spec?.versions ?? []) {
        if (v.served === false || !v.name) continue;
        await untilServed(client, `${spec?.group}/${v.name}`, kind, opts.timeoutMs ?? 10_000);
      }
    }),
  );
  return applied;
}

async function untilServed(client: RestClient, apiVersion: string, kind: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Discovery has no watch: a short poll, only until the Established CRD shows (normally at once).
  while (!(await resourceFor(client, apiVersion, kind))) {
    if (Date.now() > deadline) throw new Error(`${kind} in ${apiVersion} is Established but not served after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
