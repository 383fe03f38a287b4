import test from 'ava';
import { containerHash, definitionChanged, definitionChangedMessage, HASH_ANNOTATION } from './container-hash.ts';
import { containerConfig } from './runtime-spec.ts';

const c = { name: 'c', image: 'localhost/kubets/busybox:1', command: ['sleep', '1'] };
const running = (annotations: Record<string, string>) => ({ state: 'CONTAINER_RUNNING', annotations });

test('the hash covers the image and the name, not the fields a pod update cannot change', (t) => {
  t.regex(containerHash(c), /^[0-9a-f]{16}$/);
  t.is(containerHash(c), containerHash({ ...c }));
  t.not(containerHash(c), containerHash({ ...c, image: 'localhost/kubets/busybox:2' }));
  t.not(containerHash(c), containerHash({ ...c, name: 'd' }));
  t.is(containerHash(c), containerHash({ ...c, command: ['sleep', '2'], env: [{ name: 'A', value: 'b' }] }));
});

test('the container config carries the hash as a runtime annotation', (t) => {
  const cfg = containerConfig({ pod: { metadata: { name: 'p', namespace: 'n', uid: 'u' }, spec: { containers: [c] } }, container: c, attempt: 0, envs: [], volumes: new Map(), terminationLog: '/tmp/t', owner: 'node' });
  t.is(cfg.annotations?.[HASH_ANNOTATION], containerHash(c));
});

const cases: [string, Parameters<typeof definitionChanged>[1], boolean][] = [
  ['running, same hash: kept', running({ [HASH_ANNOTATION]: containerHash(c) }), false],
  ['running, another image: restarted', running({ [HASH_ANNOTATION]: containerHash({ ...c, image: 'old' }) }), true],
  ['running, no hash (created before hashes, adopted after an agent restart): kept', running({}), false],
  ['exited with another image: left to the restartPolicy', { state: 'CONTAINER_EXITED', annotations: { [HASH_ANNOTATION]: 'x' } }, false],
  ['no run', undefined, false],
];
for (const [name, runState, want] of cases) test(`definitionChanged: ${name}`, (t) => t.is(definitionChanged(c, runState), want));

test("the Killing event's message, as upstream's for a container and a sidecar", (t) => {
  t.is(definitionChangedMessage(c, false), 'Container c definition changed, will be restarted');
  t.is(definitionChangedMessage(c, true), 'Init container c definition changed');
});
