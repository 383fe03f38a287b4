// The JSONPath subset CRD printer columns and selectable fields use: `.a.b`, `['a.b']`,
// `[0]`, `[*]`, and filters `[?(@.type=="Ready")]`. Returns every value found.

export type JsonPath = (obj: unknown) => unknown[];

type Step = { field: string } | { index: number } | { all: true } | { filter: { path: string[]; value: string } };

function parseSteps(expr: string): Step[] {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '.') {
      const m = /^\.([A-Za-z0-9_\-$]+)/.exec(s.slice(i));
      if (!m) throw new Error(`invalid JSONPath ${JSON.stringify(expr)} at ${i}`);
      steps.push({ field: m[1]! });
      i += m[0].length;
    } else if (s[i] === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed [ in JSONPath ${JSON.stringify(expr)}`);
      const inner = s.slice(i + 1, end).trim();
      const f = /^\?\(@((?:\.[A-Za-z0-9_\-]+)+)\s*==\s*(["'])(.*)\2\)$/.exec(inner);
      if (inner === '*') steps.push({ all: true });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^(["']).*\1$/.test(inner)) steps.push({ field: inner.slice(1, -1) });
      else if (f) steps.push({ filter: { path: f[1]!.slice(1).split('.'), value: f[3]! } });
      else throw new Error(`unsupported JSONPath ${JSON.stringify(expr)}`);
      i = end + 1;
    } else {
      throw new Error(`invalid JSONPath ${JSON.stringify(expr)} at ${i}`);
    }
  }
  return steps;
}

function dig(v: unknown, path: string[]): unknown {
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** Compiles a path; throws on syntax it does not support. */
export function compileJsonPath(expr: string): JsonPath {
  const steps = parseSteps(expr);
  return (obj) => {
    let cur: unknown[] = [obj];
    for (const st of steps) {
      const next: unknown[] = [];
      for (const v of cur) {
        if ('field' in st) {
          if (v && typeof v === 'object' && !Array.isArray(v) && (v as Record<string, unknown>)[st.field] !== undefined) next.push((v as Record<string, unknown>)[st.field]);
        } else if ('index' in st) {
          if (Array.isArray(v)) {
            const x = v[st.index < 0 ? v.length + st.index : st.index];
            if (x !== undefined) next.push(x);
          }
        } else if ('all' in st) {
          if (Array.isArray(v)) next.push(...v);
          else if (v && typeof v === 'object') next.push(...Object.values(v));
        } else if (Array.isArray(v)) {
          for (const x of v) if (String(dig(x, st.filter.path)) === st.filter.value) next.push(x);
        }
      }
      cur = next;
    }
    return cur;
  };
}
