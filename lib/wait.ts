// Waiting for an object to reach a state, as `kubectl wait` does: find its resource through
// discovery (so CRDs work too), read it, then watch it (by name) until the test holds. No
// polling; every timer and stream is gone when the promise settles.

import type { RestClient } from '../client/rest.ts';
import type { ResourceRef } from '../client/types.ts';
import type { KubeObject, ObjectReference, WaitOptions } from './types.ts';
import { splitApiVersion } from '../api/types.ts';

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

/** The resource an apiVersion and kind are served as (discovery), or undefined when not served. */
export async function resourceFor(client: RestClient, apiVersion: string, kind: string): Promise<ResourceRef | undefined> {
  const { group, version } = splitApiVersion(apiVersion);
  const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
  let list: ApiResourceList;
  try {
    list = await client.request<ApiResourceList>('GET', path);
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  }
  const r = list.resources.find((x) => x.kind === kind && !x.name.includes('/'));
  return r && { group, version, plural: r.name, kind, namespaced: r.namespaced };
}

function nameOf(ref: ObjectReference): { apiVersion: string; kind: string; name: string; namespace: string } {
  const { apiVersion, kind } = ref;
  if (!apiVersion || !kind) throw new TypeError('waitFor: the reference needs apiVersion and kind');
  const name = ref.metadata?.name ?? ref.name;
  if (!name) throw new TypeError(`waitFor: the ${kind} has no name`);
  return { apiVersion, kind, name, namespace: ref.metadata?.namespace ?? ref.namespace ?? 'default' };
}

export function conditionIs(type: string, status = 'True'): (obj: unknown) => boolean {
  return (obj) => {
    const conditions = ((obj as KubeObject).status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? [];
    return conditions.some((c) => c.type === type && c.status === status);
  };
}

export async function waitFor<T = KubeObject>(client: RestClient, ref: ObjectReference, test: (obj: T) => boolean, opts: WaitOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const { apiVersion, kind, name, namespace } = nameOf(ref);
  const what = `${kind} ${namespace}/${name}`;
  const r = await resourceFor(client, apiVersion, kind);
  if (!r) throw new Error(`waitFor: ${kind} is not served in ${apiVersion}`);
  const ns = r.namespaced ? namespace : '';
  let last: KubeObject | undefined;
  return new Promise<T>((resolve, reject) => {
    let watch: { stop(): void } | undefined;
    let settled = false;
    const finish = (err: Error | undefined, obj?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      watch?.stop();
      if (err) reject(err);
      else resolve(obj!);
    };
    const timer = setTimeout(() => {
      const seen = last ? `; last seen: ${JSON.stringify((last as { status?: unknown }).status ?? {})}` : '; it does not exist';
      finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`));
    }, timeoutMs);
    const check = (obj: KubeObject): boolean => {
      last = obj;
      if (!test(obj as T)) return false;
      finish(undefined, obj as T);
      return true;
    };
    // List by name (not get) so the watch starts at a revision that covers "not there yet".
    const selector = `metadata.name=${name}`;
    const follow = (resourceVersion: string) => {
      if (settled) return;
      const w = client.watch(r, ns, { fieldSelector: selector, resourceVersion, allowWatchBookmarks: true }, (e) => {
        if (e.type === 'ADDED' || e.type === 'MODIFIED') check(e.object as KubeObject);
        if (e.object.metadata?.resourceVersion) resourceVersion = e.object.metadata.resourceVersion;
      });
      watch = w;
      // A stream that ends (server timeout, 410) is resumed from a fresh list.
      w.done.then(
        () => void start(),
        (e: unknown) => finish(e instanceof Error ? e : new Error(String(e))),
      );
    };
    const start = async () => {
      if (settled) return;
      try {
        const list = await client.list(r, ns, { fieldSelector: selector });
        if (list.items.some((o) => check(o as KubeObject))) return;
        follow(list.metadata.resourceVersion ?? '');
      } catch (e) {
        finish(e instanceof Error ? e : new Error(String(e)));
      }
    };
    void start();
  });
}
