import test from 'ava';
import type { Container, Pod } from '../../../api/core/pod/types.ts';
import { ephemeralUpdateErrors } from './pod-ephemeral-containers.ts';

const pod = (eph: Container[] = []): Pod => ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }], ephemeralContainers: eph } });

test('ephemeral containers: new ones are validated (names unique pod-wide, a known target); existing ones may not change or go', (t) => {
  t.deepEqual(ephemeralUpdateErrors(pod(), [{ name: 'dbg', image: 'i', targetContainerName: 'c' } as never]), []);
  t.deepEqual(ephemeralUpdateErrors(pod(), [{ name: 'c', image: 'i' }]).map((e) => `${e.field}: ${e.detail}`), ['spec.ephemeralContainers[0].name: Duplicate value: "c"']);
  t.deepEqual(ephemeralUpdateErrors(pod(), [{ name: 'dbg', image: 'i', targetContainerName: 'nope' } as never]).map((e) => e.field), ['spec.ephemeralContainers[0].targetContainerName']);
  const had = pod([{ name: 'dbg', image: 'i' }]);
  t.deepEqual(ephemeralUpdateErrors(had, []).map((e) => e.detail), ['Forbidden: existing ephemeral containers "dbg" may not be removed']);
  t.deepEqual(ephemeralUpdateErrors(had, [{ name: 'dbg', image: 'other' }]).map((e) => e.detail), ['Forbidden: existing ephemeral containers "dbg" may not be changed']);
  t.deepEqual(ephemeralUpdateErrors(had, [{ name: 'dbg', image: 'i' }, { name: 'dbg2', image: 'i' }]), []);
});
