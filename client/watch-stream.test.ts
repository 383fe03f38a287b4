import test from 'ava';
import { WatchDecoder } from './watch-stream.ts';
import type { WatchEvent } from './types.ts';

const ev = (type: string, name: string) => JSON.stringify({ type, object: { metadata: { name } } }) + '\n';
const stream = ev('ADDED', 'a') + ev('MODIFIED', 'é-ünïcode') + ev('DELETED', 'c');

const splits: Array<{ name: string; chunks: string[] }> = [
  { name: 'one chunk', chunks: [stream] },
  { name: 'one character at a time', chunks: [...stream] },
  { name: 'split inside an event', chunks: [stream.slice(0, 10), stream.slice(10, 70), stream.slice(70)] },
  { name: 'split right at newlines', chunks: stream.split(/(?<=\n)/) },
  { name: 'blank keep-alive lines between events', chunks: [ev('ADDED', 'a'), '\n', ev('MODIFIED', 'é-ünïcode'), '\r\n\n', ev('DELETED', 'c')] },
];

for (const s of splits) {
  test(`watch decoder: ${s.name}`, (t) => {
    const d = new WatchDecoder();
    const got = s.chunks.flatMap((c) => d.push(c)).concat(d.end());
    t.deepEqual(got.map((e) => [e.type, e.object.metadata?.name]), [['ADDED', 'a'], ['MODIFIED', 'é-ünïcode'], ['DELETED', 'c']]);
  });
}

test('watch decoder: a last event without a newline is delivered at end()', (t) => {
  const d = new WatchDecoder();
  t.deepEqual(d.push(ev('BOOKMARK', 'x').trim()), []);
  t.deepEqual(d.end().map((e) => e.type), ['BOOKMARK']);
});

const bad: Array<[string, string]> = [
  ['not JSON', 'nope\n'],
  ['no type', '{"object":{}}\n'],
  ['unknown type', '{"type":"SOMETHING","object":{}}\n'],
  ['no object', '{"type":"ADDED"}\n'],
];
for (const [name, line] of bad) {
  test(`watch decoder: rejects ${name}`, (t) => {
    t.throws(() => new WatchDecoder().push(line), { instanceOf: SyntaxError });
  });
}

// omitManagedFields: the event object's metadata.managedFields cut from the text before parsing.
const managed = [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2026-12-07T23:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {} } } } } }];
const full = (object: unknown) => JSON.parse(JSON.stringify({ type: 'MODIFIED', object })) as { object: { metadata?: Record<string, unknown> } };
const withoutMetadataManagedFields = (object: unknown) => {
  const v = full(object);
  if (v.object.metadata) delete v.object.metadata.managedFields;
  return v;
};
const omitCases: Array<[string, unknown]> = [
  ['a pod with managedFields', { kind: 'Pod', metadata: { name: 'p', managedFields: managed, labels: { a: 'b' } }, spec: { nodeName: 'n' } }],
  ['managedFields first in metadata', { metadata: { managedFields: managed, name: 'p' } }],
  ['brackets, braces and escaped quotes in its strings', { metadata: { name: 'p', managedFields: [{ manager: 'x"]}[{\\', fieldsV1: { 'f:data': { 'f:a]': {}, 'f:"{': {} } } }], uid: 'u' } }],
  ['an earlier managedFields member elsewhere (kept)', { spec: { managedFields: [1, [2]], x: 'y' }, metadata: { name: 'p', managedFields: managed } }],
  ['managedFields only elsewhere (kept)', { spec: { managedFields: ['kept'] }, metadata: { name: 'p' } }],
  ['no managedFields', { metadata: { name: 'p' } }],
  ['empty managedFields', { metadata: { name: 'p', managedFields: [] } }],
  ['a string that mentions managedFields', { metadata: { name: 'p', annotations: { note: '"managedFields":[' } } }],
];
for (const [name, object] of omitCases) {
  test(`watch decoder, omitManagedFields: ${name}`, (t) => {
    const line = `${JSON.stringify({ type: 'MODIFIED', object })}\n`;
    const d = new WatchDecoder(true);
    const got = [...line].flatMap((c) => d.push(c)).concat(d.end());
    t.deepEqual(got, [withoutMetadataManagedFields(object)] as unknown as typeof got);
    // Without the option the event is decoded whole.
    t.deepEqual(new WatchDecoder().push(line), [full(object)] as unknown as WatchEvent[]);
  });
}
