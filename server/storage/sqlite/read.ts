// get, list and count: reads of the log at one revision. A key's value at revision R is its
// newest row with id <= R, unless that row is a tombstone. Prefix scans use the range
// [prefix, prefixEnd(prefix)) so the (name, ...) indexes serve them in key order.

import type { KeyValue, ListOptions, ListResult } from '../types.ts';
import { prefixEnd, type Db, type LogRow } from './schema.ts';
import { SELECT_LATEST, toKeyValue } from './write.ts';

const ROW_AT_REVISION = `deleted = 0 AND id = (SELECT MAX(n.id) FROM kv AS n WHERE n.name = kv.name AND n.id <= ?)`;

/** Live keys in [from, end) at a revision, in key order. */
export const LIST_RANGE = `SELECT id, name, value, create_revision, prev_revision, created, deleted
  FROM kv WHERE name >= ? AND name < ? AND ${ROW_AT_REVISION}
  ORDER BY name LIMIT ?`;

/** How many live keys in (after, end) at a revision. */
export const COUNT_AFTER = `SELECT COUNT(*) AS n FROM kv WHERE name > ? AND name < ? AND ${ROW_AT_REVISION}`;

/** How many live keys in [from, end) at a revision. */
export const COUNT_RANGE = `SELECT COUNT(*) AS n FROM kv WHERE name >= ? AND name < ? AND ${ROW_AT_REVISION}`;

export interface Reader {
  get(key: string): KeyValue | undefined;
  /** revision: an already validated revision to read at. */
  list(prefix: string, revision: number, opts: ListOptions): ListResult;
  count(prefix: string, revision: number): number;
}

export function prepareReads(db: Db): Reader {
  const latest = db.prepare<[string], LogRow>(SELECT_LATEST);
  const listRange = db.prepare<[string, string, number, number], LogRow>(LIST_RANGE);
  const countAfter = db.prepare<[string, string, number], { n: number }>(COUNT_AFTER);
  const countRange = db.prepare<[string, string, number], { n: number }>(COUNT_RANGE);
  return {
    get(key) {
      const row = latest.get(key);
      return row && !row.deleted ? toKeyValue(row) : undefined;
    },
    list(prefix, revision, opts) {
      const end = prefixEnd(prefix);
      const from = opts.startKey !== undefined && opts.startKey > prefix ? opts.startKey : prefix;
      const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
      // One row past the limit tells whether more follow.
      const rows = listRange.all(from, end, revision, limit ? limit + 1 : -1);
      const more = limit > 0 && rows.length > limit;
      const items = (more ? rows.slice(0, limit) : rows).map(toKeyValue);
      if (!more) return { items, revision, more };
      const last = items[items.length - 1]!.key;
      return { items, revision, more, remaining: countAfter.get(last, end, revision)?.n ?? 0 };
    },
    count(prefix, revision) {
      return countRange.get(prefix, prefixEnd(prefix), revision)?.n ?? 0;
    },
  };
}
