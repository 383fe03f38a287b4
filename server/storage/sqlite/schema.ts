// The one log table and its pragmas. Every write appends a row; the autoincrement id is the
// store's revision. A key's current value is its newest row; a delete appends a tombstone
// that carries the value it removed. `meta` holds the compacted revision.

import Database from 'better-sqlite3';
import { StorageError } from '../types.ts';

export type Db = Database.Database;

/** One row of the log, as the statements below select it. */
export interface LogRow {
  id: number;
  name: string;
  value: string;
  create_revision: number;
  prev_revision: number;
  created: number;
  deleted: number;
}

export const PRAGMAS = [
  'journal_mode = WAL',
  // An acknowledged write has been fsynced to the WAL.
  'synchronous = FULL',
  'busy_timeout = 5000',
  'foreign_keys = OFF',
  // Page cache, KB (better-sqlite3 builds with -16000): reads are the watch cache's and a
  // write touches the log's last page and two index leaves, so 4 MB keeps the hot pages and
  // the rest comes from the OS's page cache (bench/scheduling README, memory).
  'cache_size = -4000',
];

export const CREATE_SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);
CREATE UNIQUE INDEX IF NOT EXISTS kv_name_prev_revision ON kv (name, prev_revision);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

/** AUTOINCREMENT keeps the highest id ever used here, even after its row was compacted away. */
export const SELECT_SEQUENCE = `SELECT seq FROM sqlite_sequence WHERE name = 'kv'`;
export const SELECT_MAX_ID = `SELECT MAX(id) AS id FROM kv`;
export const SELECT_META = `SELECT value FROM meta WHERE key = ?`;
export const UPSERT_META = `INSERT INTO meta (key, value) VALUES (?, ?)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value`;

export const COMPACTED_KEY = 'compacted_revision';

export function openDb(path: string): Db {
  const db = new Database(path);
  for (const p of PRAGMAS) db.pragma(p);
  db.exec(CREATE_SCHEMA);
  return db;
}

/** The highest revision ever handed out: it never goes back, even after compaction or a crash. */
export function readCurrentRevision(db: Db): number {
  const seq = db.prepare<[], { seq: number }>(SELECT_SEQUENCE).get()?.seq ?? 0;
  const max = db.prepare<[], { id: number | null }>(SELECT_MAX_ID).get()?.id ?? 0;
  return Math.max(seq, max);
}

export function readCompactedRevision(db: Db): number {
  return db.prepare<[string], { value: number }>(SELECT_META).get(COMPACTED_KEY)?.value ?? 0;
}

/** The smallest string greater than every string starting with prefix (for range scans). */
export function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10ffff}';
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

/** Turns a driver error into the StorageError the contract promises (the only kind we throw). */
export function translateError(e: unknown, what: string): StorageError {
  if (e instanceof StorageError) return e;
  const code = e instanceof Error && 'code' in e ? String(e.code) : '';
  const message = `${what}: ${e instanceof Error ? e.message : String(e)}`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new StorageError('Timeout', message);
  if (/^SQLITE_(IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB)/.test(code)) return new StorageError('Unavailable', message);
  return new StorageError('Internal', message);
}
