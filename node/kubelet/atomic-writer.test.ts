import test from 'ava';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomically, writtenFile, type Files } from './atomic-writer.ts';

const files = (entries: Record<string, string>, mode = 0o644): Files => new Map(Object.entries(entries).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

test('files appear through ..data symlinks; a change swaps ..data, drops removed names and the old directory', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubets-atomic-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.true(writeAtomically(dir, files({ a: '1', 'sub/b': '2' })));
  t.is(readFileSync(join(dir, 'a'), 'utf8'), '1');
  t.is(readFileSync(join(dir, 'sub/b'), 'utf8'), '2');
  t.is(readlinkSync(join(dir, 'a')), '..data/a');
  const first = readlinkSync(join(dir, '..data'));
  t.regex(first, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d{3}\.[0-9a-f]{8}$/);
  t.false(writeAtomically(dir, files({ a: '1', 'sub/b': '2' })), 'the same files: nothing written');
  t.is(readlinkSync(join(dir, '..data')), first);
  t.true(writeAtomically(dir, files({ a: 'changed', c: '3' })));
  t.is(readFileSync(join(dir, 'a'), 'utf8'), 'changed');
  t.is(readFileSync(join(dir, 'c'), 'utf8'), '3');
  t.throws(() => lstatSync(join(dir, 'sub')), { code: 'ENOENT' });
  t.deepEqual(readdirSync(dir).filter((n) => n.startsWith('..')).sort(), ['..data', readlinkSync(join(dir, '..data'))].sort(), 'the old directory is gone');
  t.true(writeAtomically(dir, files({ a: 'changed', c: '3' }, 0o600)), 'a mode change is a change');
  t.is(statSync(join(dir, 'a')).mode & 0o777, 0o600);
  t.is(writtenFile(dir, 'c')?.toString(), '3');
});

test('a path leaving the volume is refused', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubets-atomic-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.throws(() => writeAtomically(dir, files({ '../escape': 'x' })), { message: /invalid path/ });
  t.throws(() => writeAtomically(dir, files({ '..data': 'x' })), { message: /invalid path/ });
});
