import test from 'ava';
import { duplicateJsonFields } from './body.ts';

test('duplicate fields are named by their path, at any depth', (t) => {
  t.deepEqual(duplicateJsonFields('{"a":1,"b":{"c":2,"c":3},"a":4}'), ['b.c', 'a']);
  t.deepEqual(duplicateJsonFields('{"spec":{"containers":[{"name":"x"},{"name":"y","image":"i","image":"j"}]}}'), ['spec.containers[1].image']);
  t.deepEqual(duplicateJsonFields('[{"a":1},{"a":1,"a":2}]'), ['[1].a']);
});

test('duplicate fields: strings are skipped exactly and escaped keys decoded', (t) => {
  t.deepEqual(duplicateJsonFields('{"a":"x\\":{\\"a\\":1,","b":["a","a"]}'), []);
  t.deepEqual(duplicateJsonFields('{"k\\u0065y":1,"key":2}'), ['key']);
  t.deepEqual(duplicateJsonFields('{"a\\"b":1,"a\\"b":2}'), ['a"b']);
  t.deepEqual(duplicateJsonFields('{"a":{},"b":{}}'), []);
});
