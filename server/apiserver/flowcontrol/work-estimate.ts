// Upstream's work estimates (KEP-1040, "width" of a request): how many seats a request takes
// while it runs, and for writes how many it keeps a little after, for the watch fan-out.
// - list: one seat per 100 objects it touches, at least 1 and at most 10. A list served from
//   the watch cache walks every object of the resource; one read from the store reads twice its
//   page (`limit`), or the whole resource plus a page when a selector filters it; one that names
//   a single object (fieldSelector metadata.name=) touches one. An unknown resource (an
//   aggregated API, a resource without a watch cache) costs the minimum.
// - watch: one seat, except a watch-list (sendInitialEvents=true), whose initial events are a
//   list from the watch cache; a watch holds its seats until its initial events are out.
// - create/update/patch/delete: one seat; with 10 or more watches interested in the object,
//   ceil(watches / 10) seats more for 5 ms after it finishes, the time the events take to go out.
// (This is the object-count estimator upstream ran before SizeBasedListCostEstimate.)

import type { RequestInfo } from '../request-info.ts';

export interface WorkEstimate {
  /** Seats taken while the request runs. */
  initialSeats: number;
  /** Seats kept after it finished, for additionalLatencyMs. */
  finalSeats: number;
  additionalLatencyMs: number;
}

export const MINIMUM_SEATS = 1;
export const MAXIMUM_SEATS = 10;
export const OBJECTS_PER_SEAT = 100;
export const WATCHES_PER_SEAT = 10;
export const EVENT_ADDITIONAL_LATENCY_MS = 5;

export const ONE_SEAT: WorkEstimate = { initialSeats: MINIMUM_SEATS, finalSeats: 0, additionalLatencyMs: 0 };

export interface EstimatorDeps {
  /** Objects of a resource in the watch cache; undefined when none is kept for it. */
  objectCount(group: string, resource: string): number | undefined;
  /** Watches open that a write to this object would send an event to. */
  watchCount(info: RequestInfo): number;
}

/** The seats a request takes, at most the level's maximum (upstream bounds it by 10). */
export function maxSeatsOf(w: WorkEstimate): number {
  return Math.max(w.initialSeats, w.finalSeats);
}

const clamp = (n: number) => Math.min(MAXIMUM_SEATS, Math.max(MINIMUM_SEATS, n));

function int(q: URLSearchParams, k: string): number {
  const n = Number(q.get(k) ?? '');
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** Whether our store layer reads this list from the store rather than from the watch cache (as the Cacher decides). */
function listFromStore(q: URLSearchParams): boolean {
  const rv = Number(q.get('resourceVersion') ?? '');
  return !!q.get('continue') || q.get('resourceVersionMatch') === 'Exact' || (rv > 0 && int(q, 'limit') > 0 && !q.get('resourceVersionMatch'));
}

function listSeats(info: RequestInfo & { isResourceRequest: true }, q: URLSearchParams, deps: EstimatorDeps): number {
  const fieldSelector = q.get('fieldSelector') ?? '';
  const namesOne = fieldSelector.split(',').some((term) => /^\s*metadata\.name\s*==?[^=]/.test(term));
  if (info.name || namesOne) return MINIMUM_SEATS;
  const stored = deps.objectCount(info.group, info.resource);
  if (stored === undefined) return MINIMUM_SEATS;
  const limit = int(q, 'limit') > 0 && int(q, 'limit') < stored ? int(q, 'limit') : stored;
  let objects: number;
  if (info.verb === 'watch' || !listFromStore(q)) objects = stored;
  else if (fieldSelector || q.get('labelSelector')) objects = stored + limit;
  else objects = 2 * limit;
  return clamp(Math.ceil(objects / OBJECTS_PER_SEAT));
}

export function estimateWork(info: RequestInfo, q: URLSearchParams, deps: EstimatorDeps): WorkEstimate {
  if (!info.isResourceRequest) return ONE_SEAT;
  switch (info.verb) {
    case 'list':
      return { initialSeats: listSeats(info, q, deps), finalSeats: 0, additionalLatencyMs: 0 };
    case 'watch':
      if (q.get('sendInitialEvents') !== 'true') return ONE_SEAT;
      return { initialSeats: listSeats(info, q, deps), finalSeats: 0, additionalLatencyMs: 0 };
    case 'create':
    case 'update':
    case 'patch':
    case 'delete': {
      const watches = deps.watchCount(info);
      if (watches < WATCHES_PER_SEAT) return ONE_SEAT;
      return { initialSeats: MINIMUM_SEATS, finalSeats: Math.min(MAXIMUM_SEATS, Math.ceil(watches / WATCHES_PER_SEAT)), additionalLatencyMs: EVENT_ADDITIONAL_LATENCY_MS };
    }
    default:
      return ONE_SEAT;
  }
}
