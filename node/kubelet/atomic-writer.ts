// How configMap, secret, downwardAPI and projected volumes are written, as upstream's atomic
// writer does it, so that a running container sees a whole new set of files or the old one,
// never half of each: the files go into a fresh hidden directory `..<timestamp>`, the symlink
// `..data` is swapped to it with one rename, each top-level name is a symlink `name ->
// ..data/name`, and the old directory goes. The volume's directory itself is never replaced
// (containers have it bind-mounted). A subPath mount resolved its symlink when the container
// started and keeps the old file, as upstream.

import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type Files = Map<string, { data: Buffer; mode: number }>;

const DATA = '..data';

/** The files as `dir` holds them now (through ..data), or undefined when it holds none. */
function current(dir: string, want: Files): 'same' | 'differs' {
  let target: string;
  try {
    target = readlinkSync(join(dir, DATA));
  } catch {
    return 'differs';
  }
  const base = join(dir, target);
  const count = (d: string): number => readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(join(d, e.name)) : 1), 0);
  try {
    if (count(base) !== want.size) return 'differs';
    for (const [rel, f] of want) {
      const path = join(base, rel);
      if ((statSync(path).mode & 0o777) !== (f.mode & 0o777) || !readFileSync(path).equals(f.data)) return 'differs';
    }
  } catch {
    return 'differs';
  }
  return 'same';
}

/** Writes `files` into `dir` atomically; false when they were there already. */
export function writeAtomically(dir: string, files: Files): boolean {
  mkdirSync(dir, { recursive: true });
  if (current(dir, files) === 'same') return false;
  const stamp = new Date().toISOString().replace(/[-:]/g, '_').replace('T', '_').replace('Z', '');
  const fresh = `..${stamp}.${randomBytes(4).toString('hex')}`;
  for (const rel of files.keys()) if (!join(dir, fresh, rel).startsWith(`${join(dir, fresh)}/`) || rel.startsWith('..')) throw new Error(`invalid path ${rel}`);
  for (const [rel, f] of files) {
    const path = join(dir, fresh, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.data);
    chmodSync(path, f.mode & 0o777);
  }
  mkdirSync(join(dir, fresh), { recursive: true });
  let old: string | undefined;
  try {
    old = readlinkSync(join(dir, DATA));
  } catch {
    /* the first write */
  }
  const tmp = join(dir, `${DATA}_tmp`);
  rmSync(tmp, { force: true });
  symlinkSync(fresh, tmp);
  renameSync(tmp, join(dir, DATA));
  const top = new Set([...files.keys()].map((rel) => rel.split('/')[0]));
  for (const name of top) {
    try {
      if (readlinkSync(join(dir, name)) === join(DATA, name)) continue;
    } catch {
      /* not there yet */
    }
    rmSync(join(dir, name), { recursive: true, force: true });
    symlinkSync(join(DATA, name), join(dir, name));
  }
  for (const name of readdirSync(dir)) {
    if (name.startsWith('..') || top.has(name)) continue;
    if (lstatSync(join(dir, name)).isSymbolicLink()) rmSync(join(dir, name));
  }
  if (old && old !== fresh) rmSync(join(dir, old), { recursive: true, force: true });
  return true;
}

/** A file's content as last written (projected tokens are kept across refreshes). */
export function writtenFile(dir: string, rel: string): Buffer | undefined {
  try {
    return readFileSync(join(dir, DATA, rel));
  } catch {
    return undefined;
  }
}
