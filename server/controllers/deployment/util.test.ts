import test from 'ava';
import type { Deployment } from './types.ts';
import { computeHash, resolveFenceposts, scaledValue } from './util.ts';

const fenceposts: [string, number, number | string, number | string, { maxSurge: number; maxUnavailable: number }][] = [
  ['25% of 10 rounds surge up and unavailability down', 10, '25%', '25%', { maxSurge: 3, maxUnavailable: 2 }],
  ['both zero makes unavailability one', 1, 0, 0, { maxSurge: 0, maxUnavailable: 1 }],
  ['percentages of 1', 1, '25%', '25%', { maxSurge: 1, maxUnavailable: 0 }],
  ['plain numbers pass through', 5, 2, 1, { maxSurge: 2, maxUnavailable: 1 }],
];
for (const [name, replicas, s, u, want] of fenceposts) {
  test(`fenceposts: ${name}`, (t) => {
    const d: Deployment = { spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: s, maxUnavailable: u } } } };
    t.deepEqual(resolveFenceposts(d), want);
  });
}

test('scaledValue rounds as asked', (t) => {
  t.is(scaledValue('33%', 10, true), 4);
  t.is(scaledValue('33%', 10, false), 3);
});

test('the template hash is stable, key-order blind, safe-alphabet, and moved by collisionCount', (t) => {
  const a = computeHash({ metadata: { labels: { a: '1' } }, spec: { x: 1, y: 2 } });
  t.is(a, computeHash({ spec: { y: 2, x: 1 }, metadata: { labels: { a: '1' } } }));
  t.regex(a, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  t.not(a, computeHash({ metadata: { labels: { a: '1' } }, spec: { x: 1, y: 2 } }, 1));
});

test('a null field in a template is the same as an absent one (rollout undo from kubectl v1.32)', (t) => {
  const a = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const b = { metadata: { labels: { app: 'web' }, creationTimestamp: null }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  t.is(computeHash(a), computeHash(b));
});
