// JSON.parse of an object (or a watch event's object) without its metadata.managedFields, for
// callers that never read them (an informer whose transform drops them, a write whose answer is
// only read for its name or status). A pod's managedFields are ~1.5-2.5 KB of its ~3-4.5 KB of
// JSON and parse into ~100 small objects: cut from the text first, the parse costs ~25-40% less
// and leaves less garbage.

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

type Metadata = { managedFields?: unknown } | undefined;
type Parsed = { metadata?: Metadata; object?: { metadata?: Metadata } } | null;

const metadataOf = (v: Parsed, where: 'event' | 'object'): Metadata => {
  const m = where === 'event' ? v?.object?.metadata : v?.metadata;
  return m !== null && typeof m === 'object' ? m : undefined;
};

/** A full parse, then metadata.managedFields deleted. */
function parseWhole(text: string, where: 'event' | 'object'): unknown {
  const v = JSON.parse(text) as Parsed;
  const m = metadataOf(v, where);
  if (m) delete m.managedFields;
  return v;
}

/**
 * JSON.parse(text) with metadata.managedFields deleted (of the object, or of a watch event's
 * object): the first `"managedFields":[...]` member is replaced by `"managedFields":0` before the
 * parse, and the 0 is then looked for at that metadata: found there, the member is deleted; not
 * there (that first member was another object's, or the cut text does not parse), the original
 * text is parsed whole and the member deleted after. Either way the result is what a full parse
 * followed by deleting metadata.managedFields gives. Throws as JSON.parse does on bad JSON.
 */
export function parseWithoutManagedFields(text: string, where: 'event' | 'object'): unknown {
  const at = text.indexOf(MANAGED_FIELDS);
  // JSON.stringify writes no whitespace: a member starts right after '{' or ','.
  const before = at > 0 ? text.charCodeAt(at - 1) : 0;
  if (before !== 0x2c && before !== 0x7b) return parseWhole(text, where);
  const open = at + MANAGED_FIELDS.length - 1;
  const end = skipArray(text, open);
  if (end < 0) return parseWhole(text, where);
  let v: Parsed;
  try {
    v = JSON.parse(`${text.slice(0, open)}0${text.slice(end)}`) as Parsed;
  } catch {
    return parseWhole(text, where);
  }
  const m = metadataOf(v, where);
  if (m?.managedFields !== 0) return parseWhole(text, where);
  delete m.managedFields;
  return v;
}
