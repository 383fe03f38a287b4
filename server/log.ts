// A small structured logger: one line per event, `key=value` text or JSON, to stderr.
// Quiet by default: errors and warnings always; info from -v (verbosity 1); debug from -v=2.

import type { Log } from '../client/types.ts';

export type Level = 'error' | 'warn' | 'info' | 'debug';
export type Fields = Record<string, unknown>;

/** The full logger: client/'s Log (error, warn, info, debug) plus verbosity and children. */
export interface Logger extends Log {
  readonly verbosity: number;
  /** True when events at this verbosity are written. */
  enabled(verbosity: number): boolean;
  /** A logger that adds these fields to every line (e.g. component=scheduler). */
  child(fields: Fields): Logger;
}

export interface LoggerOptions {
  verbosity?: number;
  format?: 'text' | 'json';
  /** Where lines go; stderr by default. */
  write?: (line: string) => void;
  /** For tests; the wall clock by default. */
  now?: () => Date;
  fields?: Fields;
}

const LEVEL_VERBOSITY: Record<Level, number> = { error: 0, warn: 0, info: 1, debug: 2 };

function textValue(v: unknown): string {
  let s: string;
  if (v instanceof Error) s = v.message;
  else if (typeof v === 'string') s = v;
  else if (v === undefined) s = '';
  else s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s === '' || /[\s"=\\]/.test(s) ? JSON.stringify(s) : s;
}

function jsonValue(v: unknown): unknown {
  return v instanceof Error ? v.message : v;
}

/** One line for one event; exported for tests. */
export function formatLine(format: 'text' | 'json', time: Date, level: Level, msg: string, fields: Fields): string {
  if (format === 'json') {
    const out: Fields = { time: time.toISOString(), level, msg };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = jsonValue(v);
    return JSON.stringify(out);
  }
  const parts = [`time=${time.toISOString()}`, `level=${level}`, `msg=${textValue(msg)}`];
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) parts.push(`${k}=${textValue(v)}`);
  return parts.join(' ');
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const verbosity = opts.verbosity ?? 0;
  const format = opts.format ?? (process.env.KUBETS_LOG_FORMAT === 'json' ? 'json' : 'text');
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = opts.now ?? (() => new Date());
  const base = opts.fields ?? {};
  const emit = (level: Level) => (msg: string, fields: Fields = {}) => {
    if (LEVEL_VERBOSITY[level] > verbosity) return;
    write(formatLine(format, now(), level, msg, { ...base, ...fields }));
  };
  return {
    verbosity,
    error: emit('error'),
    warn: emit('warn'),
    info: emit('info'),
    debug: emit('debug'),
    enabled: (v) => v <= verbosity,
    child: (fields) => createLogger({ verbosity, format, write, now, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything; for tests and library use. */
export const silentLogger: Logger = createLogger({ verbosity: -1, write: () => {} });
