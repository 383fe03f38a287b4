// A disk snapshot of what source.ts reads out of client-node (about 1,500 files), so that a
// server process reads one JSON file instead of scanning and parsing the package each
// start. Entries carry a key (the package's version and a hash of the code that extracts
// them): a different client-node, or any change to the extraction, misses and rescans.
// Kept in node_modules/.cache, beside the package it describes; when that cannot be
// written, every process simply rescans.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SnapshotStore {
  read<T>(name: string): T | undefined;
  write(name: string, value: unknown): void;
}

/** A store in dir whose entries are valid only for the given key. */
export function snapshotStore(dir: string, key: string): SnapshotStore {
  const file = (name: string) => join(dir, `${name}-${key}.json`);
  return {
    read<T>(name: string): T | undefined {
      try {
        return JSON.parse(readFileSync(file(name), 'utf8')) as T;
      } catch {
        return undefined; // absent, or unreadable: rescan
      }
    },
    write(name: string, value: unknown): void {
      try {
        mkdirSync(dir, { recursive: true });
        const target = file(name);
        const tmp = `${target}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify(value));
        renameSync(tmp, target); // readers never see half a file
        for (const old of readdirSync(dir)) {
          if (old.startsWith(`${name}-`) && old.endsWith('.json') && join(dir, old) !== target) rmSync(join(dir, old), { force: true });
        }
      } catch {
        // read-only install: nothing to keep
      }
    },
  };
}

/** A store that keeps nothing. */
export const NO_SNAPSHOTS: SnapshotStore = { read: () => undefined, write: () => {} };
