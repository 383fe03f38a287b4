// Compaction: forget history at or below a revision while keeping every key's value as of
// that revision. The compacted revision is recorded first (so no reader starts below it),
// then rows are removed in id chunks, one short transaction each, yielding in between so a
// large compaction does not stall writes and watches.
//
// A row above the old compacted revision that replaced an older row (prev_revision > 0) makes
// that older row superseded; a tombstone is not needed once it is compacted (the key is simply
// absent at the compacted revision). Both are deleted chunk by chunk.

import { COMPACTED_KEY, SELECT_META, UPSERT_META, type Db } from './schema.ts';

/** Meta key: rows at or below this id have been compacted (a crash mid-way leaves it behind). */
export const COMPACT_PROGRESS_KEY = 'compact_progress';

export const DELETE_SUPERSEDED = `DELETE FROM kv WHERE id IN
  (SELECT prev_revision FROM kv WHERE id > ? AND id <= ? AND prev_revision > 0)`;
export const DELETE_TOMBSTONES = `DELETE FROM kv WHERE id > ? AND id <= ? AND deleted = 1`;

const CHUNK = 5000;

export interface Compactor {
  /** Records the new compacted revision: reads below it fail from now on. */
  record(revision: number): void;
  /** Where the last compaction got to: the next one starts there. */
  progress(): number;
  /** Deletes superseded rows and tombstones with id in (from, to], and records the progress. */
  chunk(from: number, to: number): void;
}

export function prepareCompaction(db: Db): Compactor {
  const upsert = db.prepare<[string, number]>(UPSERT_META);
  const superseded = db.prepare<[number, number]>(DELETE_SUPERSEDED);
  const tombstones = db.prepare<[number, number]>(DELETE_TOMBSTONES);
  const progress = db.prepare<[string], { value: number }>(SELECT_META);
  const chunk = db.transaction((from: number, to: number) => {
    superseded.run(from, to);
    tombstones.run(from, to);
    upsert.run(COMPACT_PROGRESS_KEY, to);
  });
  return {
    record: (revision) => void upsert.run(COMPACTED_KEY, revision),
    progress: () => progress.get(COMPACT_PROGRESS_KEY)?.value ?? 0,
    chunk: (from, to) => void chunk(from, to),
  };
}

/** Runs the chunks for (from, to], yielding to the event loop between them. */
export async function compactRange(c: Compactor, from: number, to: number, stillOpen: () => boolean): Promise<void> {
  for (let lo = from; lo < to; lo += CHUNK) {
    if (!stillOpen()) return;
    c.chunk(lo, Math.min(to, lo + CHUNK));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
