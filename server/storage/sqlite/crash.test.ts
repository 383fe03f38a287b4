// Durability: a child process writes under load and is SIGKILLed mid-stream; every write it
// acknowledged must be in the file when it is reopened, and the revision must never go back.
// Done twice on the same file, so the second child starts from a recovered file.

import test from 'ava';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteBackend } from './index.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

interface Ack {
  key: string;
  revision: number;
}

/** Runs the child until it has acknowledged at least killAfter writes, then SIGKILLs it. */
function writeUntilKilled(path: string, prefix: string, killAfter: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import=tsx', CHILD, path, prefix, '48'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: Ack[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [key, rev] = line.split(' ');
        if (key && rev) acks.push({ key, revision: Number(rev) });
      }
      if (!killed && acks.length >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL' || !killed) reject(new Error(`child ended without our kill (${signal}): ${stderr}`));
      else resolve(acks);
    });
  });
}

test('every acknowledged write survives SIGKILL, across two crashes and restarts', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubets-crash-'));
  const path = join(dir, 'state.db');
  try {
    const acked: Ack[] = [];
    let floor = 0;
    for (const round of [1, 2]) {
      const acks = await writeUntilKilled(path, `/registry/crash/r${round}`, 1500 + Math.floor(Math.random() * 1000));
      t.true(acks.length >= 1500, `round ${round}: only ${acks.length} acknowledged writes`);
      // The restarted child must continue above everything the file held before it.
      t.true(acks.every((a) => a.revision > floor), `round ${round}: a revision went back below ${floor}`);
      acked.push(...acks);

      const raw = new Database(path, { readonly: true });
      t.is(raw.pragma('integrity_check', { simple: true }), 'ok');
      raw.close();

      const b = openSqliteBackend({ path });
      const current = await b.currentRevision();
      const highest = Math.max(...acked.map((a) => a.revision));
      t.true(current >= highest, `round ${round}: current ${current} < acknowledged ${highest}`);
      const missing: string[] = [];
      for (const a of acked) {
        const kv = await b.get(a.key);
        if (kv?.modRevision !== a.revision) missing.push(`${a.key}@${a.revision} (found ${kv?.modRevision})`);
      }
      t.deepEqual(missing, [], `round ${round}: acknowledged writes lost`);
      t.true((await b.count(`/registry/crash/r${round}/`)) >= acks.length);
      t.log(`round ${round}: ${acks.length} acknowledged before SIGKILL, current revision ${current}, highest acked ${highest}`);
      floor = current;
      await b.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
