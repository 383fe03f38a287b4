// Cron schedules as CronJobs take them: five fields (minute hour day-of-month month
// day-of-week) with lists, ranges, steps and names, or a descriptor (@hourly, @every 1h30m).
// Errors are worded like the cron library upstream uses; nextAfter finds fire times.

import { parseGoDuration } from '../../meta/duration.ts';

export interface Schedule {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  /** Whether day-of-month / day-of-week were '*' or '?': then the other alone decides. */
  domStar: boolean;
  dowStar: boolean;
  /** For @every: a fixed interval in milliseconds instead of fields. */
  everyMs?: number;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS = Object.fromEntries(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i + 1]));
const DAYS = Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d, i) => [d, i]));
const FIELDS: Bounds[] = [{ min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, { min: 1, max: 12, names: MONTHS }, { min: 0, max: 6, names: DAYS }];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export class ScheduleError extends Error {}

function parseInt10(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new ScheduleError(`failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n < 0) throw new ScheduleError(`negative number (${n}) not allowed: ${s}`);
  return n;
}

function value(s: string, b: Bounds): number {
  const named = b.names?.[s.toLowerCase()];
  return named !== undefined ? named : parseInt10(s);
}

/** One comma-separated term: '*', '?', 'n', 'a-b', each optionally '/step'. */
function parseRange(expr: string, b: Bounds, out: Set<number>): boolean {
  const parts = expr.split('/');
  const lowHigh = parts[0].split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowHigh.length > 2) throw new ScheduleError(`too many hyphens: ${expr}`);
  if (parts.length > 2) throw new ScheduleError(`too many slashes: ${expr}`);
  if (lowHigh[0] === '*' || lowHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = value(lowHigh[0], b);
    end = lowHigh.length === 2 ? value(lowHigh[1], b) : start;
  }
  let step = 1;
  if (parts.length === 2) {
    step = parseInt10(parts[1]);
    if (lowHigh.length === 1 && !star) end = b.max;
    if (step > 1) star = false;
  }
  if (start < b.min) throw new ScheduleError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new ScheduleError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new ScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new ScheduleError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) out.add(v);
  return star;
}

/** Go time.ParseDuration, for @every: '1h30m', '90s', '1.5h'. */
function parseDuration(s: string): number {
  try {
    return parseGoDuration(s);
  } catch (e) {
    throw new ScheduleError(`failed to parse duration ${s}: ${(e as Error).message}`);
  }
}

export function parseSchedule(spec: string): Schedule {
  let s = spec.trim();
  if (s.length === 0) throw new ScheduleError('empty spec string');
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) {
    const i = s.indexOf(' ');
    if (i < 0) throw new ScheduleError(`provided bad location ${s.slice(s.indexOf('=') + 1)}: unknown time zone ${s.slice(s.indexOf('=') + 1)}`);
    s = s.slice(i).trim();
  }
  if (s.startsWith('@')) {
    if (s.startsWith('@every ')) {
      const ms = parseDuration(s.slice(7).trim());
      if (ms < 1000) throw new ScheduleError(`failed to parse duration ${s}: must be at least one second`);
      const all = (b: Bounds) => new Set(Array.from({ length: b.max - b.min + 1 }, (_, i) => b.min + i));
      return { minute: all(FIELDS[0]), hour: all(FIELDS[1]), dom: all(FIELDS[2]), month: all(FIELDS[3]), dow: all(FIELDS[4]), domStar: true, dowStar: true, everyMs: ms };
    }
    const d = DESCRIPTORS[s];
    if (!d) throw new ScheduleError(`unrecognized descriptor: ${s}`);
    s = d;
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) throw new ScheduleError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const sets = FIELDS.map(() => new Set<number>());
  const stars = fields.map((f, i) => f.split(',').map((term) => parseRange(term, FIELDS[i], sets[i])).every(Boolean));
  return { minute: sets[0], hour: sets[1], dom: sets[2], month: sets[3], dow: sets[4], domStar: stars[2], dowStar: stars[4] };
}

// ---- next fire time ----

interface Wall {
  y: number;
  mo: number; // 1-12
  d: number;
  h: number;
  mi: number;
}

function toWall(t: Date, timeZone: string): Wall {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  }).formatToParts(t);
  const get = (k: string) => Number(parts.find((p) => p.type === k)?.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute') };
}

const wallMs = (w: Wall) => Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
const fromMs = (ms: number): Wall => {
  const d = new Date(ms);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes() };
};

/** The instant whose wall clock in timeZone reads w (the later one across a DST fold). */
function fromWall(w: Wall, timeZone: string): Date {
  const target = wallMs(w);
  let guess = target;
  for (let i = 0; i < 3; i++) guess = target - (wallMs(toWall(new Date(guess), timeZone)) - guess);
  return new Date(guess);
}

function dayMatches(s: Schedule, w: Wall): boolean {
  const dow = new Date(Date.UTC(w.y, w.mo - 1, w.d)).getUTCDay();
  const domOk = s.dom.has(w.d);
  const dowOk = s.dow.has(dow);
  if (s.domStar || s.dowStar) return domOk && dowOk;
  return domOk || dowOk;
}

/** The first fire time strictly after `after`, or undefined within five years (e.g. Feb 30). */
export function nextAfter(s: Schedule, after: Date, timeZone = 'UTC'): Date | undefined {
  if (s.everyMs !== undefined) return new Date(Math.floor(after.getTime() / 1000) * 1000 + s.everyMs);
  let w = fromMs(wallMs(toWall(after, timeZone)) + 60_000);
  const limit = w.y + 5;
  while (w.y <= limit) {
    if (!s.month.has(w.mo)) {
      w = w.mo === 12 ? { y: w.y + 1, mo: 1, d: 1, h: 0, mi: 0 } : { y: w.y, mo: w.mo + 1, d: 1, h: 0, mi: 0 };
      continue;
    }
    if (!dayMatches(s, w)) {
      w = fromMs(Date.UTC(w.y, w.mo - 1, w.d + 1));
      continue;
    }
    if (!s.hour.has(w.h)) {
      w = fromMs(Date.UTC(w.y, w.mo - 1, w.d, w.h + 1));
      continue;
    }
    if (!s.minute.has(w.mi)) {
      w = fromMs(wallMs(w) + 60_000);
      continue;
    }
    const t = fromWall(w, timeZone);
    if (t.getTime() > after.getTime()) return t;
    w = fromMs(wallMs(w) + 60_000);
  }
  return undefined;
}

export function isValidTimeZone(tz: string): boolean {
  if (!tz || tz === 'Local' || tz.includes('..') || tz.startsWith('/')) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
