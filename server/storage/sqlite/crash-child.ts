// Child process for crash.test.ts: writes to a SQLite file under load until it is killed.
// Usage: node --import=tsx crash-child.ts <db path> <key prefix> <writers>
// Prints "<key> <revision>" for every acknowledged create, and "ready" once the file is open.

import { openSqliteBackend } from './index.ts';

const [path, prefix, writersArg] = process.argv.slice(2);
if (!path || !prefix) {
  process.stderr.write('usage: crash-child.ts <db path> <key prefix> <writers>\n');
  process.exit(2);
}
const writers = Number(writersArg ?? 32);
const backend = openSqliteBackend({ path });
const value = JSON.stringify({ kind: 'ConfigMap', data: { payload: 'x'.repeat(200) } });
let next = 0;

// Writes to a pipe are synchronous on Linux: once printed, the line survives our death.
process.stdout.write('ready\n');

async function writer(): Promise<never> {
  for (;;) {
    const key = `${prefix}/k${next++}`;
    const revision = await backend.create(key, value);
    process.stdout.write(`${key} ${revision}\n`);
  }
}

await Promise.all(Array.from({ length: writers }, writer));
