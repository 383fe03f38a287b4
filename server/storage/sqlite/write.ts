// create, update and delete as log appends. Each op is checked against the key's newest row
// inside the batch's transaction (so it sees the ops before it in the same batch), then
// appends one row whose id is the op's revision. A check failure fails only that op.

import { StorageError, type KeyValue, type StoreEvent } from '../types.ts';
import type { Db, LogRow } from './schema.ts';

export const SELECT_LATEST = `SELECT id, name, value, create_revision, prev_revision, created, deleted
  FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1`;

export const INSERT_ROW = `INSERT INTO kv (name, value, create_revision, prev_revision, created, deleted)
  VALUES (?, ?, ?, ?, ?, ?)`;

export type WriteOp =
  | { verb: 'create'; key: string; value: string }
  | { verb: 'update'; key: string; value: string; expected: number }
  | { verb: 'delete'; key: string; expected?: number };

export interface WriteResult {
  revision: number;
  event: StoreEvent;
  /** delete: what was removed. */
  prev?: KeyValue;
}

export interface WriteStatements {
  latest(key: string): LogRow | undefined;
  insert(key: string, value: string, createRevision: number, prevRevision: number, created: boolean, deleted: boolean): number;
}

export function prepareWrites(db: Db): WriteStatements {
  const latest = db.prepare<[string], LogRow>(SELECT_LATEST);
  const insert = db.prepare<[string, string, number, number, number, number]>(INSERT_ROW);
  return {
    latest: (key) => latest.get(key),
    insert(key, value, createRevision, prevRevision, created, deleted) {
      return Number(insert.run(key, value, createRevision, prevRevision, created ? 1 : 0, deleted ? 1 : 0).lastInsertRowid);
    },
  };
}

export function createRevisionOf(row: LogRow): number {
  return row.created ? row.id : row.create_revision;
}

export function toKeyValue(row: LogRow): KeyValue {
  return { key: row.name, value: row.value, createRevision: createRevisionOf(row), modRevision: row.id };
}

function conflict(key: string, current: KeyValue, expected: number): StorageError {
  return new StorageError(
    'Conflict',
    `${key} was modified: expected revision ${expected}, current is ${current.modRevision}`,
    key,
    { current },
  );
}

function notFound(key: string): StorageError {
  return new StorageError('KeyNotFound', `${key} not found`, key);
}

/** Applies one op; must run inside a transaction. Throws StorageError when a check fails. */
export function applyWrite(st: WriteStatements, op: WriteOp): WriteResult {
  const row = st.latest(op.key);
  const live = row && !row.deleted ? row : undefined;
  switch (op.verb) {
    case 'create': {
      if (live) throw new StorageError('KeyExists', `${op.key} already exists`, op.key);
      // A create row's create revision is its own id, unknown before the insert: it is stored
      // as 0 and read back through createRevisionOf.
      const id = st.insert(op.key, op.value, 0, row?.id ?? 0, true, false);
      return { revision: id, event: { type: 'ADDED', key: op.key, value: op.value, revision: id } };
    }
    case 'update': {
      if (!live) throw notFound(op.key);
      if (live.id !== op.expected) throw conflict(op.key, toKeyValue(live), op.expected);
      const id = st.insert(op.key, op.value, createRevisionOf(live), live.id, false, false);
      return {
        revision: id,
        event: { type: 'MODIFIED', key: op.key, value: op.value, prevValue: live.value, revision: id },
      };
    }
    case 'delete': {
      if (!live) throw notFound(op.key);
      const prev = toKeyValue(live);
      if (op.expected !== undefined && live.id !== op.expected) throw conflict(op.key, prev, op.expected);
      const id = st.insert(op.key, live.value, prev.createRevision, live.id, false, true);
      return { revision: id, prev, event: { type: 'DELETED', key: op.key, value: live.value, revision: id } };
    }
  }
}
