// The log backend: one JSON line per event, to a file rotated by size (rotating-file-stream,
// in the way upstream's lumberjack names backups: audit-2026-12-07T05-11-37.123.log beside
// audit.log), or to stdout for `-`. maxBackup keeps that many rotated files (0: all),
// maxAgeDays removes older ones at each rotation.

import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import type { AuditEvent, EventSink } from './index.ts';

export interface AuditLogOptions {
  /** The file, or '-' for stdout. */
  path: string;
  /** Rotate when the file reaches this many megabytes (0: never). */
  maxSizeMB?: number;
  /** Rotated files kept (0: all). */
  maxBackup?: number;
  /** Days a rotated file is kept (0: no limit). */
  maxAgeDays?: number;
}

export interface AuditSink extends EventSink {
  close(): Promise<void>;
}

export function openAuditLog(o: AuditLogOptions): AuditSink {
  if (o.path === '-') {
    return { write: (ev) => void process.stdout.write(`${JSON.stringify(ev)}\n`), close: async () => {} };
  }
  const dir = dirname(o.path);
  const ext = extname(o.path);
  const stem = basename(o.path, ext);
  // rotating-file-stream asks for a name: none for the live file, the rotation time for a backup.
  const name = (time: number | Date | undefined) => (time ? `${stem}-${new Date(time).toISOString().replace(/Z$/, '').replace(/:/g, '-')}${ext}` : `${stem}${ext}`);
  const stream: RotatingFileStream = createStream(name as (t: number | Date, i?: number) => string, {
    path: dir,
    ...(o.maxSizeMB ? { size: `${o.maxSizeMB}M` } : {}),
    ...(o.maxBackup ? { maxFiles: o.maxBackup, history: `.${stem}${ext}.history` } : {}),
    mode: 0o600,
  });
  stream.on('error', () => undefined);
  stream.on('warning', () => undefined);
  if (o.maxAgeDays) {
    const maxAgeMs = o.maxAgeDays * 86_400_000;
    stream.on('rotated', () => void removeOlderThan(dir, stem, ext, maxAgeMs));
  }
  return {
    write: (ev: AuditEvent) => void stream.write(`${JSON.stringify(ev)}\n`),
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
}

async function removeOlderThan(dir: string, stem: string, ext: string, maxAgeMs: number): Promise<void> {
  const now = Date.now();
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    if (!f.startsWith(`${stem}-`) || !f.endsWith(ext)) continue;
    const p = join(dir, f);
    const s = await stat(p).catch(() => undefined);
    if (s && now - s.mtimeMs > maxAgeMs) await rm(p, { force: true });
  }
}
