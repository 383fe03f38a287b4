// The watches open through this apiserver, counted by what they watch (group, resource,
// namespace, name), as upstream's flow control keeps them: a write's work estimate asks how
// many watches its event goes to (every watch of the resource across namespaces, of its
// namespace, and of the object by name).

import type { RequestInfo } from '../request-info.ts';

const keyOf = (group: string, resource: string, namespace: string, name: string) => `${group}\x00${resource}\x00${namespace}\x00${name}`;

export class WatchTracker {
  private readonly counts = new Map<string, number>();

  /** Counts a watch until the returned function is called (more calls do nothing). */
  register(info: RequestInfo): () => void {
    if (!info.isResourceRequest || info.verb !== 'watch') return () => {};
    const key = keyOf(info.group, info.resource, info.namespace, info.name);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.counts.get(key) ?? 1) - 1;
      if (n > 0) this.counts.set(key, n);
      else this.counts.delete(key);
    };
  }

  /** Watches a write to this request's object would send an event to. */
  interested(info: RequestInfo): number {
    if (!info.isResourceRequest) return 0;
    const at = (ns: string, name: string) => this.counts.get(keyOf(info.group, info.resource, ns, name)) ?? 0;
    let n = at('', '');
    if (info.namespace) n += at(info.namespace, '');
    if (info.name) n += at(info.namespace, info.name);
    return n;
  }

  /** Every watch counted (for tests and leak checks). */
  get size(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
}
