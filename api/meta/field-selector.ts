// Field selectors as list and watch take them: `a=b,c!=d,e==f`, with `\,` `\=` `\\`
// escapes in values. Errors worded as upstream's.

import { SelectorParseError } from './labels.ts';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
  empty: boolean;
  matches(get: (field: string) => string | undefined): boolean;
}

function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === sep) {
      out.push(cur);
      cur = '';
    } else cur += s[i];
  }
  out.push(cur);
  return out;
}

function unescape(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => {
    if (c === '\\' || c === ',' || c === '=') return c;
    throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
  });
}

/** Parses `a=b,c!=d,e==f` (values may escape `\,` `\=` `\\`). Throws SelectorParseError. */
export function parseFieldSelector(s: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  if (s.trim() !== '') {
    for (const term of splitUnescaped(s, ',')) {
      if (term === '') continue;
      let found: FieldRequirement | undefined;
      for (const op of ['!=', '==', '='] as const) {
        const idx = term.indexOf(op);
        if (idx >= 0) {
          found = { field: term.slice(0, idx), operator: op === '!=' ? '!=' : '=', value: unescape(term.slice(idx + op.length)) };
          break;
        }
      }
      if (!found) throw new SelectorParseError(`invalid selector: '${s}'; can't understand '${term}'`);
      reqs.push(found);
    }
  }
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    matches: (get) =>
      reqs.every((r) => {
        const v = get(r.field) ?? '';
        return r.operator === '=' ? v === r.value : v !== r.value;
      }),
  };
}
