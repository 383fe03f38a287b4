// Incremental parsing of a watch stream: newline-delimited JSON watch events arriving in
// arbitrary chunks (an event may span chunks, a chunk may hold many events).

import type { KubeObject } from '../api/types.ts';
import type { WatchEvent, WatchEventType } from './types.ts';

const TYPES = new Set<WatchEventType>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export class WatchDecoder {
  /** The start of a line not complete yet, as the pieces it arrived in. */
  private partial: string[] = [];

  /**
   * omitManagedFields: the consumer drops every object's metadata.managedFields (an informer
   * whose transform does, as upstream's controllers and scheduler): they are cut from the text
   * before it is parsed (see parseEvent), not parsed into ~100 small objects each only to be dropped.
   */
  constructor(private readonly omitManagedFields = false) {}

  /**
   * Feeds a chunk (already decoded text); returns the complete events it finished. Only the
   * new chunk is searched for newlines, and a line that spans chunks is joined once, when it
   * ends: appending chunks to one buffer and searching that made an event spanning k chunks
   * cost O(k^2) (1.3 s for a 1 MB object arriving in 1 KB chunks).
   */
  push(chunk: string): WatchEvent[] {
    const out: WatchEvent[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      let line = chunk.slice(start, nl);
      if (this.partial.length) {
        this.partial.push(line);
        line = this.partial.join('');
        this.partial = [];
      }
      start = nl + 1;
      const e = parseLine(line, this.omitManagedFields);
      if (e) out.push(e);
    }
    if (start < chunk.length) this.partial.push(start === 0 ? chunk : chunk.slice(start));
    return out;
  }

  /** At end of stream: a last event without a trailing newline, if any. */
  end(): WatchEvent[] {
    const rest = this.partial.join('');
    this.partial = [];
    const e = parseLine(rest, this.omitManagedFields);
    return e ? [e] : [];
  }
}

const MANAGED_FIELDS = '"managedFields":[';

/**
 * Index just past the JSON array that opens at `open` (text[open] is '['), or -1 when it does
 * not close in `text`: a scan that knows strings and their escapes, so a bracket inside a string
 * does not count.
 */
export function skipArray(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: to the first quote not escaped (preceded by an even run of backslashes).
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q < 0) return -1;
        let slashes = 0;
        while (text.charCodeAt(q - 1 - slashes) === 0x5c) slashes++;
        i = q;
        if ((slashes & 1) === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

type EventShape = { object?: { metadata?: { managedFields?: unknown } } } | null;

/** A full parse, then the event object's metadata.managedFields deleted. */
function parseWhole(text: string): unknown {
  const v = JSON.parse(text) as EventShape;
  const metadata = v?.object?.metadata;
  if (metadata && typeof metadata === 'object') delete metadata.managedFields;
  return v;
}

/**
 * A watch event's JSON without the event object's metadata.managedFields (omitManagedFields):
 * the first `"managedFields":[...]` member is replaced by `"managedFields":0` before JSON.parse,
 * and the 0 is then looked for at event.object.metadata.managedFields: found there, the member is
 * deleted; not there (that first member was another object's, or the cut text does not parse),
 * the original text is parsed whole and the member deleted after. Either way the result is what a
 * full parse followed by deleting metadata.managedFields gives, and at a pod's ~1.5 KB of
 * managedFields (of ~3-4.5 KB) the parse costs ~25% less, its garbage less too.
 */
export function parseEvent(text: string, omitManagedFields: boolean): unknown {
  if (!omitManagedFields) return JSON.parse(text);
  const at = text.indexOf(MANAGED_FIELDS);
  // JSON.stringify writes no whitespace: a member starts right after '{' or ','.
  const before = at > 0 ? text.charCodeAt(at - 1) : 0;
  if (before !== 0x2c && before !== 0x7b) return parseWhole(text);
  const open = at + MANAGED_FIELDS.length - 1;
  const end = skipArray(text, open);
  if (end < 0) return parseWhole(text);
  let v: EventShape;
  try {
    v = JSON.parse(`${text.slice(0, open)}0${text.slice(end)}`) as EventShape;
  } catch {
    return parseWhole(text);
  }
  const metadata = v?.object?.metadata;
  if (metadata?.managedFields !== 0) return parseWhole(text);
  delete metadata.managedFields;
  return v;
}

function parseLine(line: string, omitManagedFields = false): WatchEvent | undefined {
  const text = line.trim();
  if (!text) return undefined;
  let v: unknown;
  try {
    v = parseEvent(text, omitManagedFields);
  } catch {
    throw new SyntaxError(`watch stream: not a JSON event: ${text.slice(0, 200)}`);
  }
  const e = v as { type?: unknown; object?: unknown };
  if (typeof e !== 'object' || e === null || typeof e.type !== 'string' || !TYPES.has(e.type as WatchEventType) || typeof e.object !== 'object' || e.object === null) {
    throw new SyntaxError(`watch stream: not a watch event: ${text.slice(0, 200)}`);
  }
  return { type: e.type as WatchEventType, object: e.object as KubeObject };
}
