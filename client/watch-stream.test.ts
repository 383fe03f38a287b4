import test from 'ava';
import { WatchDecoder } from './watch-stream.ts';

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
