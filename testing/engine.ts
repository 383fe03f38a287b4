// An engine over an in-memory SQLite store and its watch cache, for unit tests: built-in kinds,
// a fixed clock, predictable names and uids, and an admission chain the test supplies.

import { Registry } from '../api/registry.ts';
import { groupVersion, type KubeObject, type ResourceType } from '../api/types.ts';
import { cacheIndexers } from '../server/storage/cache-index.ts';
import { Cacher } from '../server/storage/cacher.ts';
import { openSqliteBackend } from '../server/storage/sqlite/index.ts';
import type { Backend } from '../server/storage/types.ts';
import { AdmissionChain } from '../server/apiserver/admission/chain.ts';
import type { AdmissionPlugin } from '../server/apiserver/admission/types.ts';
import { GenericStore, type EngineDeps } from '../server/apiserver/registry/store.ts';
import { CachedResourceStore } from '../server/apiserver/registry/storage-adapter.ts';
import type { RequestContext } from '../server/apiserver/registry/types.ts';

export interface TestEngines {
  engine(plural: string, group?: string): GenericStore;
  ctx(o?: Partial<RequestContext>): RequestContext;
  close(): Promise<void>;
}

export const NOW = new Date('2024-05-01T10:00:00Z');

/** `backend`: the store under the engines (a test may wrap its watch to make caches lag). */
export function testEngines(
  plugins: AdmissionPlugin[] = [],
  resources: ResourceType[] = new Registry().all(),
  backend: Backend = openSqliteBackend({ path: ':memory:' }),
): TestEngines {
  const cachers: Cacher[] = [];
  const engines = new Map<ResourceType, GenericStore>();
  let uid = 0;
  let name = 0;
  const deps: EngineDeps = {
    clock: { now: () => NOW },
    names: { generate: (base) => `${base}${String(++name).padStart(5, 'x')}` },
    uids: { uid: () => `uid-${++uid}` },
    hooks: {
      validateMeta: () => [],
      validateSchema: () => ({ errors: [], unknownFields: [] }),
      admission: new AdmissionChain(plugins),
      manageFields: () => undefined,
    },
  };
  return {
    engine(plural, group = '') {
      const rt = resources.find((r) => r.plural === plural && r.group === group && (r.strategy || !r.convert));
      if (!rt) throw new Error(`no resource ${plural}`);
      let e = engines.get(rt);
      if (!e) {
        const probe = new GenericStore({ ...rt, hooks: undefined }, undefined as never, deps);
        const cacher = new Cacher({ resource: { group, resource: plural }, backend, kind: rt.kind, apiVersion: groupVersion(rt), prefix: probe.listPrefix(''), indexers: cacheIndexers(rt) });
        cachers.push(cacher);
        e = new GenericStore(rt, new CachedResourceStore(cacher), deps);
        engines.set(rt, e);
      }
      return e;
    },
    ctx: (o = {}) => ({ user: { username: 'alice', groups: [] }, namespace: 'default', now: NOW, dryRun: false, fieldValidation: 'Strict', warnings: [], ...o }),
    async close() {
      for (const c of cachers) c.close();
      await backend.close();
    },
  };
}

export function configMap(name: string, data: Record<string, string> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...meta }, data };
}
