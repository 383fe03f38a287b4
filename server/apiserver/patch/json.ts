// JSON value helpers shared by the patch engines.

export type JsonObject = { [key: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export { cloneJson as clone } from '../../../api/meta/json.ts';

/** JSON text with object keys sorted, for keys that must not depend on insertion order. */
export function canonicalJson(v: unknown): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v) ?? 'null';
  let s: string;
  if (Array.isArray(v)) {
    s = '[';
    for (let i = 0; i < v.length; i++) s += (i > 0 ? ',' : '') + canonicalJson(v[i]);
    return s + ']';
  }
  const o = v as JsonObject;
  const keys = Object.keys(o).sort();
  s = '{';
  for (let i = 0; i < keys.length; i++) s += `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:${canonicalJson(o[keys[i]])}`;
  return s + '}';
}

/** Parses a patch body given as text or bytes; anything else is taken as already decoded. */
export function decodeJsonBody(body: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return { ok: true, value: body };
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
