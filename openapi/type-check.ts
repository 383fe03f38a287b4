// Type checks of bodies against the builtin definitions: what Go's JSON decoder rejects (a
// string where an int32 belongs, an object where a list belongs). Each definition is turned
// once into a tree of small closures and cached; a $ref is a lookup in that cache, so shared
// definitions (ObjectMeta, PodSpec...) are built once for all kinds and nothing is compiled
// to source code. Building a Pod's checker takes well under a millisecond, where an ajv
// compile of the same schemas took seconds.

import { builtinDefinitions, INT_OR_STRING, QUANTITY } from './definitions.ts';
import { refName, type Schema } from './schema.ts';

export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

export interface TypeProblem {
  /** Field names and list indexes from the root to the offending value. */
  path: (string | number)[];
  /** 'type': wrong JSON type; 'range': an integer outside its format's range. */
  problem: 'type' | 'range';
  /** The JSON types that would have been accepted. */
  expected: JsonType[];
  value: unknown;
}

/**
 * `unknown`, when given, also collects every field a struct does not declare, as a path
 * (.spec.containers[0].imagex): the unknown-field detection of fieldValidation in the same
 * walk (unknown-fields.ts is the same rule, walked on its own).
 */
type Checker = (value: unknown, path: (string | number)[], out: TypeProblem[], unknown?: string[]) => void;

/** `.spec.containers[0].imagex`: field names after a dot, list indexes in brackets. */
function unknownPath(path: (string | number)[], key: string): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `.${p}`;
  return `${s}.${key}`;
}

const INT_RANGES: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function jsonTypeOf(v: unknown): JsonType | 'null' {
  // A key holding undefined is absent once serialized (the engine's keepSystemMeta copies an
  // absent metadata.namespace that way for cluster-scoped kinds): treat it like null.
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

const accepts = (expected: JsonType[], actual: JsonType) =>
  expected.includes(actual) || (actual === 'integer' && expected.includes('number'));

const ANYTHING: Checker = () => {};

/** A checker for one of several scalar types (Quantity: string or number). */
function scalars(expected: JsonType[]): Checker {
  return (v, path, out) => {
    const t = jsonTypeOf(v);
    if (t !== 'null' && !accepts(expected, t)) out.push({ path: [...path], problem: 'type', expected, value: v });
  };
}

/** Definitions whose checking form is not their v2 schema. */
const SPECIAL: Record<string, Checker> = {
  [QUANTITY]: scalars(['string', 'number']),
  [INT_OR_STRING]: scalars(['integer', 'string']),
};

const byDefinition = new Map<string, Checker>();

/** The checker of a definition, built on first use; undefined if there is no such definition. */
export function definitionChecker(name: string): Checker | undefined {
  const hit = byDefinition.get(name);
  if (hit) return hit;
  const special = SPECIAL[name];
  if (special) return special;
  const def = builtinDefinitions().definitions[name];
  if (!def) return undefined;
  // Registered before building, so that recursive definitions (JSONSchemaProps) find themselves.
  let built: Checker = ANYTHING;
  const lazy: Checker = (v, path, out, unknown) => built(v, path, out, unknown);
  byDefinition.set(name, lazy);
  built = build(def);
  byDefinition.set(name, built);
  return built;
}

function refChecker(name: string): Checker {
  let target: Checker | undefined;
  return (v, path, out, unknown) => {
    target ??= definitionChecker(name) ?? ANYTHING;
    target(v, path, out, unknown);
  };
}

function build(s: Schema): Checker {
  const ref = refName(s);
  if (ref) return refChecker(ref);
  if (s['x-kubernetes-preserve-unknown-fields'] || !s.type) return ANYTHING;
  const type = s.type as JsonType;
  const range = type === 'integer' && s.format ? INT_RANGES[s.format] : undefined;
  const props = s.properties ? Object.entries(s.properties).map(([k, p]) => [k, build(p)] as const) : undefined;
  const propMap = props ? new Map(props) : undefined;
  const items = s.items ? build(s.items) : undefined;
  const values = typeof s.additionalProperties === 'object' ? build(s.additionalProperties) : undefined;
  const expected = [type];
  return (v, path, out, unknown) => {
    const t = jsonTypeOf(v);
    if (t === 'null') return; // Go decodes null as the zero value
    if (!accepts(expected, t)) {
      out.push({ path: [...path], problem: 'type', expected, value: v });
      return;
    }
    if (range && ((v as number) < range[0] || (v as number) > range[1])) {
      out.push({ path: [...path], problem: 'range', expected, value: v });
      return;
    }
    if (t === 'array' && items) {
      const list = v as unknown[];
      for (let i = 0; i < list.length; i++) {
        path.push(i);
        items(list[i], path, out, unknown);
        path.pop();
      }
    } else if (t === 'object' && (propMap || values)) {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        let check = propMap?.get(k);
        if (!check) {
          if (propMap && unknown) unknown.push(unknownPath(path, k));
          check = values;
          if (!check) continue;
        }
        path.push(k);
        check(o[k], path, out, unknown);
        path.pop();
      }
    }
  };
}

/**
 * The type problems of obj against a definition and, in the same walk, the fields it does not
 * declare (as unknownFields gives them, which it equals when there is no type problem).
 */
export function typeAndUnknownFields(definition: string, obj: unknown): { problems: TypeProblem[]; unknownFields: string[] } {
  const check = definitionChecker(definition);
  const problems: TypeProblem[] = [];
  const unknownFields: string[] = [];
  check?.(obj, [], problems, unknownFields);
  return { problems, unknownFields };
}

/** Every type problem of obj against a definition, in document order. */
export function typeProblems(definition: string, obj: unknown): TypeProblem[] {
  const check = definitionChecker(definition);
  if (!check) return [];
  const out: TypeProblem[] = [];
  check(obj, [], out);
  return out;
}
