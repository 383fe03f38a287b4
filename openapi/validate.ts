// Type checks of request bodies against the builtin definitions, with ajv, compiled lazily
// per definition. This is what upstream's JSON decoder rejects (a string where an int32
// belongs, an object where a list belongs): such errors are 400 BadRequest there, with Go's
// "cannot unmarshal" text. Required fields and value rules are the strategies' job (422).

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { badRequest, fieldError, type FieldError, type StatusError } from '../api/meta/errors.ts';
import { builtinDefinitions, INT_OR_STRING, QUANTITY } from './definitions.ts';
import type { Definitions, Schema } from './schema.ts';
import { fieldPath, goType, jsonKind, locate } from './walk.ts';

export interface SchemaError extends FieldError {
  /** Go decoder-style text, e.g. `json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string`. */
  decodeMessage: string;
}

export type BodyValidator = (obj: unknown) => SchemaError[];

const ROOT_ID = 'kubets:openapi';
const INT_RANGES: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** The checking form of a schema: types only, null allowed anywhere (Go decodes null as zero). */
function checking(s: Schema): Record<string, unknown> {
  if (s.$ref) return { $ref: s.$ref };
  if (s.allOf?.length === 1 && s.allOf[0].$ref) return { $ref: s.allOf[0].$ref };
  if (s['x-kubernetes-preserve-unknown-fields'] || !s.type) return {};
  const out: Record<string, unknown> = { type: s.type, nullable: true };
  if (s.type === 'integer' && s.format && INT_RANGES[s.format]) {
    [out.minimum, out.maximum] = INT_RANGES[s.format];
  }
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, checking(p)]));
  if (s.items) out.items = checking(s.items);
  if (typeof s.additionalProperties === 'object') out.additionalProperties = checking(s.additionalProperties);
  return out;
}

let ajv: Ajv | undefined;

function compiler(): Ajv {
  if (ajv) return ajv;
  const defs: Definitions = builtinDefinitions().definitions;
  const definitions: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(defs)) definitions[name] = checking(s);
  definitions[QUANTITY] = { type: ['string', 'number'], nullable: true };
  definitions[INT_OR_STRING] = { type: ['integer', 'string'], nullable: true };
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, verbose: true });
  ajv.addSchema({ $id: ROOT_ID, definitions });
  return ajv;
}

const compiled = new Map<string, ValidateFunction>();

/** The type checker of a definition (io.k8s.api.core.v1.Pod), compiled on first use. */
export function validatorFor(definition: string): BodyValidator | undefined {
  if (!builtinDefinitions().definitions[definition]) return undefined;
  return (obj: unknown) => {
    let fn = compiled.get(definition);
    if (!fn) {
      fn = compiler().getSchema(`${ROOT_ID}#/definitions/${definition}`);
      if (!fn) return [];
      compiled.set(definition, fn);
    }
    if (fn(obj)) return [];
    return toSchemaErrors(definition, obj, fn.errors ?? []);
  };
}

function segmentsOf(obj: unknown, pointer: string): (string | number)[] {
  const out: (string | number)[] = [];
  let cur: unknown = obj;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function expected(e: ErrorObject, goTarget: string): string {
  if (e.keyword === 'minimum' || e.keyword === 'maximum') return `must fit in ${goTarget}`;
  const t = ([] as unknown[]).concat(e.params.type).filter((x) => x !== 'null');
  return `must be of type ${t.join(' or ')}`;
}

function toSchemaErrors(definition: string, obj: unknown, errors: ErrorObject[]): SchemaError[] {
  const out: SchemaError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (!['type', 'minimum', 'maximum'].includes(e.keyword) || seen.has(e.instancePath)) continue;
    seen.add(e.instancePath);
    const segments = segmentsOf(obj, e.instancePath);
    const field = fieldPath(segments);
    const at = locate(definition, segments);
    const goField = segments.filter((s) => typeof s === 'string').join('.');
    const struct = at?.struct ? at.struct.slice(at.struct.lastIndexOf('.') + 1) : undefined;
    const target = at ? goType(at.schema) : 'interface {}';
    const value: unknown = e.data;
    const kind = e.keyword === 'type' ? jsonKind(value) : `number ${String(value)}`;
    const decodeMessage =
      struct && goField
        ? `json: cannot unmarshal ${kind} into Go struct field ${struct}.${goField} of type ${target}`
        : `json: cannot unmarshal ${kind} into Go value of type ${target}`;
    const base = fieldError.typeInvalid(field || '<root>', value, expected(e, target));
    out.push({ ...base, decodeMessage });
  }
  return out;
}

/** The 400 upstream answers when a body does not decode: `Pod in version "v1" cannot be handled as a Pod: ...`. */
export function decodeError(kind: string, version: string, errors: SchemaError[]): StatusError {
  const why = errors[0]?.decodeMessage ?? 'the object does not match its schema';
  return badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${why}`);
}
