// Upstream's work estimates, case by case: lists by the objects they touch (from the watch
// cache, from the store, with a selector, by name), watch-lists like lists, other watches one
// seat, writes with extra final seats for a fan-out of ten watches or more.

import test from 'ava';
import { parseRequestInfo } from '../request-info.ts';
import { estimateWork, type WorkEstimate } from './work-estimate.ts';
import { WatchTracker } from './watch-tracker.ts';

const counts: Record<string, number> = { pods: 1234, configmaps: 50 };
const watches = new WatchTracker();

function estimate(method: string, url: string): WorkEstimate {
  const u = new URL(url, 'https://x');
  const info = parseRequestInfo(method, u.pathname, u.searchParams);
  return estimateWork(info, u.searchParams, { objectCount: (g, r) => (g === '' ? counts[r] : undefined), watchCount: (i) => watches.interested(i) });
}

const seats = (initialSeats: number) => ({ initialSeats, finalSeats: 0, additionalLatencyMs: 0 });

const cases: [string, string, string, WorkEstimate][] = [
  ['a list from the watch cache walks every object (1234 -> 13 seats, bounded by 10)', 'GET', '/api/v1/pods', seats(10)],
  ['a list of a small resource', 'GET', '/api/v1/namespaces/a/configmaps', seats(1)],
  ['a limited list from the cache still walks every object', 'GET', '/api/v1/pods?limit=50', seats(10)],
  ['a page read from the store reads twice its limit', 'GET', '/api/v1/pods?limit=150&continue=abc', seats(3)],
  ['a selected page from the store reads every object plus the page', 'GET', '/api/v1/pods?limit=100&continue=abc&labelSelector=a%3Db', seats(10)],
  ['an exact read of a small resource with a selector', 'GET', '/api/v1/configmaps?limit=10&resourceVersion=5&resourceVersionMatch=Exact&labelSelector=a', seats(1)],
  ['a list naming one object by fieldSelector', 'GET', '/api/v1/pods?fieldSelector=metadata.name%3Dp-1', seats(1)],
  ['metadata.name!= is not one object', 'GET', '/api/v1/pods?fieldSelector=metadata.name!%3Dp-1', seats(10)],
  ['a resource without a watch cache (aggregated) costs the minimum', 'GET', '/apis/metrics.k8s.io/v1beta1/pods', seats(1)],
  ['a plain watch is one seat', 'GET', '/api/v1/pods?watch=true', seats(1)],
  ['a watch-list sends a list of initial events', 'GET', '/api/v1/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan', seats(10)],
  ['a get is one seat', 'GET', '/api/v1/namespaces/a/pods/p', seats(1)],
  ['a non-resource request is one seat', 'GET', '/healthz', seats(1)],
];
for (const [name, method, url, want] of cases) test(name, (t) => t.deepEqual(estimate(method, url), want));

test('a write keeps ceil(watches/10) final seats for 5 ms once 10 or more watches would get its event', (t) => {
  const watch = (url: string) => {
    const u = new URL(url, 'https://x');
    return watches.register(parseRequestInfo('GET', u.pathname, u.searchParams));
  };
  const stops = [...Array.from({ length: 6 }, () => watch('/api/v1/pods?watch=true')), ...Array.from({ length: 3 }, () => watch('/api/v1/namespaces/a/pods?watch=true'))];
  t.deepEqual(estimate('POST', '/api/v1/namespaces/a/pods'), seats(1), 'nine watches: no extra');
  stops.push(watch('/api/v1/watch/namespaces/a/pods/p'));
  stops.push(watch('/api/v1/namespaces/b/pods?watch=true'));
  t.deepEqual(estimate('PUT', '/api/v1/namespaces/a/pods/p'), { initialSeats: 1, finalSeats: 1, additionalLatencyMs: 5 }, 'ten watches see it (not the one in namespace b)');
  for (let i = 0; i < 95; i++) stops.push(watch('/api/v1/pods?watch=true'));
  t.deepEqual(estimate('DELETE', '/api/v1/namespaces/a/pods/p'), { initialSeats: 1, finalSeats: 10, additionalLatencyMs: 5 }, 'bounded by 10 seats');
  t.deepEqual(estimate('POST', '/api/v1/namespaces/a/configmaps'), seats(1), 'another resource');
  for (const s of stops) {
    s();
    s();
  }
  t.is(watches.size, 0);
});
