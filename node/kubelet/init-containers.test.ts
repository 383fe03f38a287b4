import test from 'ava';
import type { Container, Pod } from '../../api/core/pod/types.ts';
import { planInit, stopOrder, type InitRun } from './init-containers.ts';

const init = (name: string): Container => ({ name, image: 'i' });
const sidecar = (name: string): Container => ({ name, image: 'i', restartPolicy: 'Always' });
const none: InitRun = { state: 'none', started: false };
const running = (started = true): InitRun => ({ state: 'running', started });
const exited = (exitCode: number): InitRun => ({ state: 'exited', exitCode, started: false });

const cases: Array<{ name: string; inits: Container[]; runs: InitRun[]; prev?: boolean; policy?: string; want: { initialized: boolean; start: number[]; failed?: boolean } }> = [
  { name: 'nothing ran: the first init container starts', inits: [init('a'), sidecar('s')], runs: [none, none], want: { initialized: false, start: [0] } },
  { name: 'a regular init container running holds the next', inits: [init('a'), sidecar('s')], runs: [running(), none], want: { initialized: false, start: [] } },
  { name: 'after exit 0 the sidecar starts', inits: [init('a'), sidecar('s')], runs: [exited(0), none], want: { initialized: false, start: [1] } },
  { name: 'a sidecar running but not started (startupProbe pending) holds the next', inits: [sidecar('s'), init('b')], runs: [running(false), none], want: { initialized: false, start: [] } },
  { name: 'a started sidecar lets the next one start', inits: [sidecar('s'), init('b')], runs: [running(true), none], want: { initialized: false, start: [1] } },
  { name: 'every init container done, sidecars started: initialized', inits: [sidecar('s'), init('b'), sidecar('t')], runs: [running(), exited(0), running()], want: { initialized: true, start: [] } },
  { name: 'a sidecar that exited before the next began: restarted, the next waits', inits: [sidecar('s'), init('b')], runs: [exited(1), none], want: { initialized: false, start: [0] } },
  { name: 'a sidecar that exited while a later one runs: restarted without holding it', inits: [sidecar('s'), init('b'), init('c')], runs: [exited(137), exited(0), none], want: { initialized: false, start: [0, 2] } },
  { name: 'a failed regular init container restarts (OnFailure)', inits: [init('a')], runs: [exited(1)], policy: 'OnFailure', want: { initialized: false, start: [0] } },
  { name: 'a failed regular init container with Never fails the pod', inits: [init('a')], runs: [exited(1)], policy: 'Never', want: { initialized: false, start: [], failed: true } },
  { name: 'a sidecar restarts even with Never', inits: [sidecar('s'), init('b')], runs: [exited(0), none], policy: 'Never', want: { initialized: false, start: [0] } },
  { name: 'initialized once: regular ones never again, exited sidecars restart', inits: [init('a'), sidecar('s'), sidecar('t')], runs: [none, exited(2), running()], prev: true, want: { initialized: true, start: [1] } },
];
for (const c of cases) {
  test(`planInit: ${c.name}`, (t) => {
    t.deepEqual(planInit(c.inits, c.runs, c.prev ?? false, c.policy), { failed: false, ...c.want });
  });
}

const pod: Pod = { spec: { initContainers: [sidecar('log'), init('setup'), sidecar('proxy')], containers: [{ name: 'app' }, { name: 'web' }] } };

test('stopOrder: main containers together first, then sidecars one by one, the last declared first', (t) => {
  t.deepEqual(stopOrder(pod, ['log', 'app', 'proxy', 'web']), [['app', 'web'], ['proxy'], ['log']]);
});

test('stopOrder: only what runs; no main container left means sidecars alone', (t) => {
  t.deepEqual(stopOrder(pod, ['log', 'proxy']), [['proxy'], ['log']]);
  t.deepEqual(stopOrder(pod, ['app']), [['app']]);
  t.deepEqual(stopOrder(pod, []), []);
});
