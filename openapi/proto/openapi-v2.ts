// The swagger 2.0 document in protobuf, as /openapi/v2 answers client-go's
// `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (kubectl's client-side
// validation and `explain` read this form only). The message is gnostic's openapi.v2.Document;
// field numbers below are its wire format. Values of any JSON type (default, enum, example,
// vendor extensions) travel as gnostic's Any with the value's text in `yaml`: JSON text is
// YAML, and readers parse that field.

import protobuf from 'protobufjs';

type Json = Record<string, unknown>;
type W = protobuf.Writer;
type Encode<T> = (w: W, v: T) => void;

/** What the response says it is: upstream answers the `@v1.0` Accept with `.v1.0` (an '@' is
 * not allowed in a media type, and Go's parser refuses it). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const LEN = 2;
const VARINT = 0;
const DOUBLE = 1;

function str(w: W, field: number, v: unknown): void {
  if (typeof v === 'string' && v !== '') w.uint32((field << 3) | LEN).string(v);
}
function strs(w: W, field: number, v: unknown): void {
  if (Array.isArray(v)) for (const s of v) w.uint32((field << 3) | LEN).string(String(s));
}
function bool(w: W, field: number, v: unknown): void {
  if (v === true) w.uint32((field << 3) | VARINT).bool(true);
}
function int(w: W, field: number, v: unknown): void {
  if (typeof v === 'number' && v !== 0) w.uint32((field << 3) | VARINT).int64(v);
}
function dbl(w: W, field: number, v: unknown): void {
  if (typeof v === 'number' && v !== 0) w.uint32((field << 3) | DOUBLE).double(v);
}
function msg<T>(w: W, field: number, v: T | undefined, enc: Encode<T>): void {
  if (v === undefined || v === null) return;
  w.uint32((field << 3) | LEN).fork();
  enc(w, v);
  w.ldelim();
}
function msgs<T>(w: W, field: number, v: T[] | undefined, enc: Encode<T>): void {
  if (Array.isArray(v)) for (const x of v) msg(w, field, x, enc);
}

/** gnostic Any: the value's text (field 2). */
const anyValue: Encode<unknown> = (w, v) => str(w, 2, JSON.stringify(v));
const anyOf = (w: W, field: number, v: unknown) => v !== undefined && msg(w, field, v, anyValue);

/** `x-` keys of an object as NamedAny pairs. */
function vendor(w: W, field: number, o: Json): void {
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith('x-')) {
      msg(w, field, [k, v] as const, (w2, [name, value]) => {
        str(w2, 1, name);
        msg(w2, 2, value, anyValue);
      });
    }
  }
}

/** A map as repeated (name, value) pairs, gnostic's Named* messages. */
function named<T>(w: W, field: number, o: Record<string, T> | undefined, enc: Encode<T>): void {
  for (const [k, v] of Object.entries(o ?? {})) {
    msg(w, field, v, (w2, value) => {
      str(w2, 1, k);
      msg(w2, 2, value, enc);
    });
  }
}

const schema: Encode<Json> = (w, s) => {
  str(w, 1, s.$ref);
  str(w, 2, s.format);
  str(w, 3, s.title);
  str(w, 4, s.description);
  anyOf(w, 5, s.default);
  dbl(w, 6, s.multipleOf);
  dbl(w, 7, s.maximum);
  bool(w, 8, s.exclusiveMaximum);
  dbl(w, 9, s.minimum);
  bool(w, 10, s.exclusiveMinimum);
  int(w, 11, s.maxLength);
  int(w, 12, s.minLength);
  str(w, 13, s.pattern);
  int(w, 14, s.maxItems);
  int(w, 15, s.minItems);
  bool(w, 16, s.uniqueItems);
  int(w, 17, s.maxProperties);
  int(w, 18, s.minProperties);
  strs(w, 19, s.required);
  if (Array.isArray(s.enum)) for (const e of s.enum) msg(w, 20, e, anyValue);
  if (s.additionalProperties !== undefined) {
    // A oneof: false is written too (its presence is the value).
    msg(w, 21, s.additionalProperties, (w2, ap) => (typeof ap === 'boolean' ? void w2.uint32((2 << 3) | VARINT).bool(ap) : msg(w2, 1, ap as Json, schema)));
  }
  if (s.type !== undefined) msg(w, 22, Array.isArray(s.type) ? s.type : [s.type], (w2, t) => strs(w2, 1, t));
  if (s.items !== undefined) msg(w, 23, Array.isArray(s.items) ? s.items : [s.items], (w2, items) => msgs(w2, 1, items as Json[], schema));
  msgs(w, 24, s.allOf as Json[] | undefined, schema);
  if (s.properties !== undefined) msg(w, 25, s.properties as Record<string, Json>, (w2, p) => named(w2, 1, p, schema));
  str(w, 26, s.discriminator);
  bool(w, 27, s.readOnly);
  anyOf(w, 30, s.example);
  vendor(w, 31, s);
};

/** PrimitivesItems: the items of a non-body parameter of type array. */
const primitives: Encode<Json> = (w, s) => {
  str(w, 1, s.type);
  str(w, 2, s.format);
  msg(w, 3, s.items as Json | undefined, primitives);
  str(w, 4, s.collectionFormat);
  anyOf(w, 5, s.default);
  if (Array.isArray(s.enum)) for (const e of s.enum) msg(w, 16, e, anyValue);
  vendor(w, 18, s);
};

/** Query and formData sub-schemas share one layout; path and header another (no allowEmptyValue). */
function nonBody(w: W, p: Json, withAllowEmpty: boolean): void {
  const o = withAllowEmpty ? 1 : 0;
  bool(w, 1, p.required);
  str(w, 2, p.in);
  str(w, 3, p.description);
  str(w, 4, p.name);
  if (withAllowEmpty) bool(w, 5, p.allowEmptyValue);
  str(w, 5 + o, p.type);
  str(w, 6 + o, p.format);
  msg(w, 7 + o, p.items as Json | undefined, primitives);
  str(w, 8 + o, p.collectionFormat);
  anyOf(w, 9 + o, p.default);
  bool(w, 19 + o, p.uniqueItems);
  if (Array.isArray(p.enum)) for (const e of p.enum) msg(w, 20 + o, e, anyValue);
  vendor(w, 22 + o, p);
}

const NON_BODY_FIELD: Record<string, number> = { header: 1, formData: 2, query: 3, path: 4 };

/** ParametersItem: a Parameter (body or not) or a JSON reference. */
const parametersItem: Encode<Json> = (w, p) => {
  if (typeof p.$ref === 'string') {
    msg(w, 2, p, (w2, r) => {
      str(w2, 1, r.$ref);
      str(w2, 2, r.description);
    });
    return;
  }
  msg(w, 1, p, (w2, param) => {
    if (param.in === 'body') {
      msg(w2, 1, param, (w3, b) => {
        str(w3, 1, b.description);
        str(w3, 2, b.name);
        str(w3, 3, b.in);
        bool(w3, 4, b.required);
        msg(w3, 5, b.schema as Json | undefined, schema);
        vendor(w3, 6, b);
      });
    } else {
      const f = NON_BODY_FIELD[String(param.in)] ?? 3;
      msg(w2, 2, param, (w3, nb) => msg(w3, f, nb, (w4, x) => nonBody(w4, x, f === 2 || f === 3)));
    }
  });
};

const response: Encode<Json> = (w, r) => {
  if (typeof r.$ref === 'string') {
    msg(w, 2, r, (w2, ref) => str(w2, 1, ref.$ref));
    return;
  }
  msg(w, 1, r, (w2, res) => {
    str(w2, 1, res.description);
    if (res.schema) msg(w2, 2, res.schema as Json, (w3, s) => msg(w3, 1, s, schema));
    vendor(w2, 5, res);
  });
};

const operation: Encode<Json> = (w, op) => {
  strs(w, 1, op.tags);
  str(w, 2, op.summary);
  str(w, 3, op.description);
  str(w, 5, op.operationId);
  strs(w, 6, op.produces);
  strs(w, 7, op.consumes);
  msgs(w, 8, op.parameters as Json[] | undefined, parametersItem);
  if (op.responses) {
    msg(w, 9, op.responses as Record<string, Json>, (w2, rs) => {
      named(w2, 1, rs, response);
      vendor(w2, 2, rs);
    });
  }
  strs(w, 10, op.schemes);
  bool(w, 11, op.deprecated);
  vendor(w, 13, op);
};

const METHOD_FIELD: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

const pathItem: Encode<Json> = (w, item) => {
  str(w, 1, item.$ref);
  for (const [method, field] of Object.entries(METHOD_FIELD)) msg(w, field, item[method] as Json | undefined, operation);
  msgs(w, 9, item.parameters as Json[] | undefined, parametersItem);
  vendor(w, 10, item);
};

const securityScheme: Encode<Json> = (w, s) => {
  // Only apiKey schemes are served (the bearer token); field 2 of SecurityDefinitionsItem.
  msg(w, 2, s, (w2, k) => {
    str(w2, 1, k.type);
    str(w2, 2, k.name);
    str(w2, 3, k.in);
    str(w2, 4, k.description);
    vendor(w2, 5, k);
  });
};

export interface SwaggerLike {
  swagger: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
  definitions: Record<string, unknown>;
  securityDefinitions?: Record<string, unknown>;
  security?: Record<string, string[]>[];
}

/** The document as gnostic's openapi.v2.Document bytes. */
export function encodeOpenAPIV2(doc: SwaggerLike): Uint8Array {
  const w = protobuf.Writer.create();
  str(w, 1, doc.swagger);
  msg(w, 2, doc.info, (w2, info) => {
    str(w2, 1, info.title);
    str(w2, 2, info.version);
    str(w2, 3, info.description);
  });
  msg(w, 8, doc.paths as Record<string, Json>, (w2, paths) => {
    vendor(w2, 1, paths);
    for (const [p, item] of Object.entries(paths)) {
      if (p.startsWith('x-')) continue;
      msg(w2, 2, item, (w3, it) => {
        str(w3, 1, p);
        msg(w3, 2, it, pathItem);
      });
    }
  });
  msg(w, 9, doc.definitions as Record<string, Json>, (w2, defs) => named(w2, 1, defs, schema));
  msgs(w, 12, doc.security, (w2, req) => named(w2, 1, req, (w3, scopes) => strs(w3, 1, scopes)));
  if (doc.securityDefinitions) msg(w, 13, doc.securityDefinitions as Record<string, Json>, (w2, defs) => named(w2, 1, defs, securityScheme));
  return w.finish();
}
