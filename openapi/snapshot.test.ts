import test from 'ava';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotStore } from './snapshot.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'kubets-snapshot-'));

test('a snapshot round-trips, and only under its own key', (t) => {
  const dir = tempDir();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  snapshotStore(dir, 'k1').write('models', [{ a: 1 }]);
  t.deepEqual(snapshotStore(dir, 'k1').read('models'), [{ a: 1 }]);
  t.is(snapshotStore(dir, 'k2').read('models'), undefined, 'another package version or extraction code misses');
  t.is(snapshotStore(dir, 'k1').read('apis'), undefined);
});

test('writing a new key removes the stale snapshots of the same name', (t) => {
  const dir = tempDir();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  snapshotStore(dir, 'old').write('models', 1);
  snapshotStore(dir, 'old').write('apis', 2);
  snapshotStore(dir, 'new').write('models', 3);
  t.deepEqual(readdirSync(dir).sort(), ['apis-old.json', 'models-new.json']);
});

test('a torn file reads as absent; an unwritable place is not an error', (t) => {
  const dir = tempDir();
  t.teardown(() => {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'models-k.json'), '[{"a":');
  t.is(snapshotStore(dir, 'k').read('models'), undefined);
  const file = join(dir, 'not-a-dir');
  writeFileSync(file, '');
  t.notThrows(() => snapshotStore(join(file, 'sub'), 'k').write('models', 1));
  t.false(existsSync(join(file, 'sub')));
});
