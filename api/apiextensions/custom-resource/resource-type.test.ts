import test from 'ava';
import type { KubeObject } from '../../types.ts';
import { copyForDefaulting } from './resource-type.ts';

test('copyForDefaulting copies all but managedFields, which it shares in its place', (t) => {
  const managedFields = [{ manager: 'm', fieldsV1: { 'f:spec': {} } }];
  const o: KubeObject = Object.freeze({
    apiVersion: 'x/v1',
    kind: 'W',
    metadata: Object.freeze({ name: 'a', managedFields, uid: 'u' }),
    spec: Object.freeze({ ports: Object.freeze([Object.freeze({ name: 'p' })]) }),
  });
  const copy = copyForDefaulting(o);
  t.deepEqual(copy, o);
  t.is(copy.metadata?.managedFields, managedFields);
  t.deepEqual(Object.keys(copy.metadata ?? {}), ['name', 'managedFields', 'uid']);
  t.not(copy.spec, o.spec);
  ((copy.spec as { ports: { protocol?: string }[] }).ports[0]).protocol = 'TCP';
  t.deepEqual(o.spec, { ports: [{ name: 'p' }] });
  const plain = copyForDefaulting({ apiVersion: 'x/v1', kind: 'W', metadata: { name: 'b' } });
  t.deepEqual(plain, { apiVersion: 'x/v1', kind: 'W', metadata: { name: 'b' } });
});
