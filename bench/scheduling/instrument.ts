// Client-side timing of the control plane's calls: the loopback client handed to the
// controller-manager and scheduler, wrapped so that every call is timed by what it is
// (verb, resource, subresource). Tells the wait for the apiserver apart from time spent
// before a call is made.

import type { RestClient } from '../../client/rest.ts';
import type { ResourceRef } from '../../client/types.ts';

export class CallTimes {
  readonly byCall = new Map<string, number[]>();
  inFlight = 0;
  maxInFlight = 0;

  record(what: string, ms: number): void {
    let list = this.byCall.get(what);
    if (!list) this.byCall.set(what, (list = []));
    list.push(ms);
  }
}

const TIMED = new Set(['get', 'list', 'create', 'update', 'patch', 'delete']);

export function timedClient(inner: RestClient, times: CallTimes): RestClient {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !TIMED.has(prop) || typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        const r = args[0] as ResourceRef;
        const last = args[args.length - 1] as { subresource?: string } | undefined;
        const sub = typeof last === 'object' && last && 'subresource' in last ? `/${last.subresource}` : '';
        const what = `${prop} ${r.plural}${sub}`;
        const s = performance.now();
        times.inFlight++;
        times.maxInFlight = Math.max(times.maxInFlight, times.inFlight);
        try {
          return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          times.inFlight--;
          times.record(what, performance.now() - s);
        }
      };
    },
  });
}
