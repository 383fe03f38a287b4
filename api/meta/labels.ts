// Label selectors (string form and LabelSelector objects) and field selectors, as list and
// watch use them. Parsing follows upstream's grammar and error wording.

import { fieldError, type FieldError } from './errors.ts';
import { isQualifiedName, isValidLabelValue } from './names.ts';
import { validateLabels } from './validation.ts';

export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export interface Selector {
  requirements: Requirement[];
  /** True when the selector selects everything (no requirements). */
  empty: boolean;
  matches(labels: Record<string, string> | undefined): boolean;
  toString(): string;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export class SelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorParseError';
  }
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(v);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(v);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v)) return false;
      const n = Number(v);
      const bound = Number(r.values[0]);
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

export function makeSelector(requirements: Requirement[]): Selector {
  const reqs = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    matches: (labels) => reqs.every((r) => requirementMatches(r, labels ?? {})),
    toString: () => reqs.map(requirementString).join(','),
  };
}

/** Selects nothing: what a null LabelSelector means for controllers. */
export const NOTHING: Selector = {
  requirements: [],
  empty: false,
  matches: () => false,
  toString: () => '',
};

/** Upstream's NewRequirement checks: operator arity, key and value syntax. */
export function checkRequirement(r: Requirement): string | undefined {
  switch (r.operator) {
    case 'in':
    case 'notin':
      if (r.values.length === 0) return "for 'in', 'notin' operators, values set can't be empty";
      break;
    case '=':
    case '==':
    case '!=':
      if (r.values.length !== 1) return 'exact-match compatibility requires one single value';
      break;
    case 'exists':
    case '!':
      if (r.values.length !== 0) return 'values set must be empty for exists and does not exist';
      break;
    case 'gt':
    case 'lt':
      if (r.values.length !== 1) return "for 'Gt', 'Lt' operators, exactly one value is required";
      if (!/^-?\d+$/.test(r.values[0])) return "for 'Gt', 'Lt' operators, the value must be an integer";
      break;
  }
  const keyErrs = isQualifiedName(r.key);
  if (keyErrs.length > 0) return `key: Invalid value: ${JSON.stringify(r.key)}: ${keyErrs.join('; ')}`;
  for (let i = 0; i < r.values.length; i++) {
    const vErrs = isValidLabelValue(r.values[i]);
    if (vErrs.length > 0) {
      return `values[${i}][${r.key}]: Invalid value: ${JSON.stringify(r.values[i])}: ${vErrs.join('; ')}`;
    }
  }
  return undefined;
}

// ---- string form ----

type Tok = { kind: 'id' | 'op' | 'eos'; text: string };
const SPECIAL = ['!=', '==', '!', '=', '(', ')', ',', '>', '<'];

function lex(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const sym = SPECIAL.find((p) => s.startsWith(p, i));
    if (sym) {
      toks.push({ kind: 'op', text: sym });
      i += sym.length;
      continue;
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j]) && !'!=(),><'.includes(s[j])) j++;
    toks.push({ kind: 'id', text: s.slice(i, j) });
    i = j;
  }
  toks.push({ kind: 'eos', text: '' });
  return toks;
}

const fail = (found: Tok, expected: string): never => {
  throw new SelectorParseError(`found '${found.text}', expected: ${expected}`);
};

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h,n>1`. Throws SelectorParseError. */
export function parseLabelSelector(s: string): Selector {
  const toks = lex(s);
  let pos = 0;
  const peek = () => toks[pos];
  const next = () => toks[pos++];
  const reqs: Requirement[] = [];
  const isKeyword = (t: Tok) => t.kind === 'id' && (t.text === 'in' || t.text === 'notin');
  while (peek().kind !== 'eos') {
    let t = next();
    let r: Requirement;
    if (t.kind === 'op' && t.text === '!') {
      t = next();
      if (t.kind !== 'id' || isKeyword(t)) fail(t, "identifier after '!'");
      r = { key: t.text, operator: '!', values: [] };
    } else if (t.kind === 'id' && !isKeyword(t)) {
      const key = t.text;
      const op = peek();
      if (op.kind === 'eos' || (op.kind === 'op' && op.text === ',')) {
        r = { key, operator: 'exists', values: [] };
      } else {
        next();
        if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) {
          const open = next();
          if (open.text !== '(' || open.kind !== 'op') fail(open, "'('");
          const values: string[] = [];
          let expectValue = true;
          for (;;) {
            const v = next();
            if (v.kind === 'op' && v.text === ')') {
              if (expectValue && values.length > 0) values.push('');
              break;
            }
            if (v.kind === 'op' && v.text === ',') {
              if (expectValue) values.push('');
              expectValue = true;
              continue;
            }
            if (v.kind === 'id' && expectValue) {
              values.push(v.text);
              expectValue = false;
              continue;
            }
            fail(v, expectValue ? "',', ')' or identifier" : "',' or ')'");
          }
          r = { key, operator: op.text, values };
        } else if (op.kind === 'op' && ['=', '==', '!=', '>', '<'].includes(op.text)) {
          const operator: Operator = op.text === '>' ? 'gt' : op.text === '<' ? 'lt' : (op.text as Operator);
          const v = peek();
          let value = '';
          if (v.kind === 'id') value = next().text;
          else if (!(v.kind === 'eos' || (v.kind === 'op' && v.text === ','))) fail(v, 'identifier');
          r = { key, operator, values: [value] };
        } else {
          return fail(op, 'in, notin, =, ==, !=, gt, lt');
        }
      }
    } else {
      return fail(t, "!, identifier, or 'end of string'");
    }
    const problem = checkRequirement(r);
    if (problem) throw new SelectorParseError(`unable to parse requirement: ${problem}`);
    reqs.push(r);
    const sep = next();
    if (sep.kind === 'eos') break;
    if (!(sep.kind === 'op' && sep.text === ',')) fail(sep, "',' or 'end of string'");
    const after = peek();
    if (after.kind === 'eos' || (after.kind === 'op' && after.text !== '!')) fail(after, "identifier after ','");
  }
  return makeSelector(reqs);
}

/** metav1.LabelSelectorAsSelector: undefined selects nothing, {} selects everything. */
export function labelSelectorFromObject(ls: LabelSelector | undefined | null): Selector {
  if (!ls) return NOTHING;
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push({ key: k, operator: '=', values: [v] });
  for (const e of ls.matchExpressions ?? []) {
    const op = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' }[e.operator] as Operator | undefined;
    if (!op) throw new SelectorParseError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    reqs.push({ key: e.key, operator: op, values: [...(e.values ?? [])] });
  }
  for (const r of reqs) {
    const problem = checkRequirement(r);
    if (problem) throw new SelectorParseError(problem);
  }
  return makeSelector(reqs);
}

/** metav1validation.ValidateLabelSelector. */
export function validateLabelSelector(ls: LabelSelector | undefined, field: string): FieldError[] {
  if (!ls) return [];
  const errs = validateLabels(ls.matchLabels, `${field}.matchLabels`);
  (ls.matchExpressions ?? []).forEach((e, i) => {
    const p = `${field}.matchExpressions[${i}]`;
    const n = e.values?.length ?? 0;
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (n === 0) errs.push(fieldError.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (n > 0) errs.push(fieldError.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(fieldError.invalid(`${p}.operator`, e.operator, 'not a valid selector operator'));
    }
    for (const m of isQualifiedName(e.key ?? '')) errs.push(fieldError.invalid(`${p}.key`, e.key ?? '', m));
    (e.values ?? []).forEach((v, j) => {
      for (const m of isValidLabelValue(v)) errs.push(fieldError.invalid(`${p}.values[${j}]`, v, m));
    });
  });
  return errs;
}

