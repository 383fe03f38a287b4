// An informer transform (client-go's SetTransform) for loops that cache every object of a kind:
// managedFields dropped (informer.ts's stripManagedFields: no loop of ours reads them), and
// strings shared.
//
// JSON.parse makes every string value longer than a few characters a new string, so 30,000
// cached pods each held their own "registry.k8s.io/pause:3.9", "node.kubernetes.io/not-ready",
// condition types, owner names and uids, timestamps (~1.1 KB of a bench pod's 3.8 KB). An interned
// object's strings are replaced by the one copy its earlier equals left in a bounded table; the
// object's shape and values are unchanged, so no reader can tell. The table holds at most
// INTERN_TABLE_SIZE strings and starts again when full: a value unique to one object (a name,
// a uid, a container id) only costs a slot until then, and strings common to many objects are
// back in it with the next few objects.

import type { KubeObject } from '../api/types.ts';
import { dropsManagedFields, stripManagedFields } from './informer.ts';

export const INTERN_TABLE_SIZE = 8192;
/** V8 already shares short strings from JSON.parse (internalized); longer ones are worth a lookup. */
const MIN_LENGTH = 8;

export class StringInterner {
  #table = new Map<string, string>();

  constructor(private readonly size = INTERN_TABLE_SIZE) {}

  /** How many strings the table holds now. */
  get held(): number {
    return this.#table.size;
  }

  intern(s: string): string {
    if (s.length < MIN_LENGTH) return s;
    const known = this.#table.get(s);
    if (known !== undefined) return known;
    if (this.#table.size >= this.size) this.#table = new Map();
    this.#table.set(s, s);
    return s;
  }

  /** Replaces, in place, every string value under `v` (arrays and plain objects) by its interned copy. */
  internAll<T>(v: T): T {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x === 'string') v[i] = this.intern(x);
        else if (x !== null && typeof x === 'object') this.internAll(x);
      }
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        const x = o[k];
        if (typeof x === 'string') o[k] = this.intern(x);
        else if (x !== null && typeof x === 'object') this.internAll(x);
      }
    }
    return v;
  }
}

/** managedFields dropped, strings shared: the control plane's transform. */
export function compactObjects(interner = new StringInterner()): (obj: KubeObject) => KubeObject {
  return dropsManagedFields((obj) => interner.internAll(stripManagedFields(obj)));
}
