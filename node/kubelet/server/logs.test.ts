import test from 'ava';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCriLog, render, streamLog } from './logs.ts';

const LOG = [
  '2026-12-07T02:00:00.000000001Z stdout F one',
  '2026-12-07T02:00:01.000000001Z stderr P tw',
  '2026-12-07T02:00:01.000000002Z stderr F o',
  '2026-12-07T02:00:02.000000001Z stdout F three',
  '2026-12-07T02:00:03.000000001Z stdout P unfinis',
].join('\n') + '\n';

test('CRI log lines: partials joined, an unfinished line held back', (t) => {
  const { lines, rest } = parseCriLog(LOG);
  t.deepEqual(lines.map((l) => [l.stream, l.text]), [['stdout', 'one'], ['stderr', 'two'], ['stdout', 'three']]);
  t.is(rest, '2026-12-07T02:00:03.000000001Z stdout P unfinis\n');
});

const cases: [string, Parameters<typeof render>[1], string][] = [
  ['everything', {}, 'one\ntwo\nthree\n'],
  ['tailLines', { tailLines: 2 }, 'two\nthree\n'],
  ['tailLines=0', { tailLines: 0 }, ''],
  ['timestamps', { tailLines: 1, timestamps: true }, '2026-12-07T02:00:02.000000001Z three\n'],
  ['since', { since: new Date('2026-12-07T02:00:01.000Z') }, 'two\nthree\n'],
];
for (const [name, o, want] of cases) {
  test(`render: ${name}`, (t) => t.is(render(parseCriLog(LOG).lines, o, true), want));
}

test('streamLog: limitBytes, then follow until the container stops', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-logs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, '0.log');
  await writeFile(path, LOG);
  let out = '';
  await streamLog(path, { limitBytes: 6 }, { write: (c) => (out += c), closed: () => false }, async () => true);
  t.is(out, 'one\ntw');
  out = '';
  let alive = true;
  const done = streamLog(path, { follow: true, tailLines: 1 }, { write: (c) => (out += c), closed: () => false }, async () => alive, 20);
  await new Promise((r) => setTimeout(r, 60));
  // The held-back partial line ends with the next entry.
  await appendFile(path, '2026-12-07T02:00:04.000000001Z stdout F hed\n2026-12-07T02:00:05.000000001Z stdout F five\n');
  await new Promise((r) => setTimeout(r, 60));
  alive = false;
  await done;
  t.is(out, 'three\nunfinished\nfive\n');
});
