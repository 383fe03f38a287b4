import test from 'ava';
import protobuf from 'protobufjs';
import { encodeOpenAPIV2 } from './openapi-v2.ts';

/** A message as [field, value] pairs: bytes for length-delimited fields, numbers otherwise. */
function fields(b: Uint8Array): [number, Uint8Array | number][] {
  const r = protobuf.Reader.create(b);
  const out: [number, Uint8Array | number][] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    const wire = tag & 7;
    out.push([tag >>> 3, wire === 2 ? r.bytes() : wire === 1 ? r.double() : Number(r.int64())]);
  }
  return out;
}
const text = (v: unknown) => Buffer.from(v as Uint8Array).toString();
const one = (m: [number, unknown][], f: number) => m.filter(([n]) => n === f).map(([, v]) => v);
const sub = (m: [number, unknown][], f: number) => fields(one(m, f)[0] as Uint8Array);

const doc = {
  swagger: '2.0',
  info: { title: 'Kubernetes', version: 'v1.34.0' },
  paths: {
    '/api/v1/namespaces/{namespace}/widgets': {
      parameters: [{ name: 'namespace', in: 'path', required: true, type: 'string', uniqueItems: true }],
      post: {
        operationId: 'createWidget',
        consumes: ['*/*'],
        parameters: [
          { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/W' } },
          { name: 'dryRun', in: 'query', type: 'string', uniqueItems: true },
        ],
        responses: { '200': { description: 'OK', schema: { $ref: '#/definitions/W' } } },
        'x-kubernetes-action': 'post',
      },
    },
  },
  definitions: {
    W: {
      type: 'object',
      required: ['spec'],
      properties: {
        spec: { type: 'object', additionalProperties: false },
        size: { type: 'integer', format: 'int32', minimum: 0, default: 3, enum: [1, 3] },
        tags: { type: 'array', items: { type: 'string' } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'W', version: 'v1' }],
    },
  },
  securityDefinitions: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header' } },
  security: [{ BearerToken: [] }],
};

test('gnostic openapi.v2.Document layout: header, definitions, schemas, vendor extensions as YAML text', (t) => {
  const d = fields(encodeOpenAPIV2(doc));
  t.is(text(one(d, 1)[0]), '2.0');
  t.deepEqual(sub(d, 2).map(([f, v]) => [f, text(v)]), [
    [1, 'Kubernetes'],
    [2, 'v1.34.0'],
  ]);
  const named = sub(d, 9);
  t.is(named.length, 1);
  const [name, schema] = [text(fields(named[0]![1] as Uint8Array)[0]![1]), fields(fields(named[0]![1] as Uint8Array)[1]![1] as Uint8Array)];
  t.is(name, 'W');
  t.deepEqual(one(schema, 19).map(text), ['spec'], 'required');
  t.deepEqual(one(sub(schema, 22), 1).map(text), ['object'], 'type as TypeItem');
  const gvk = sub(schema, 31);
  t.is(text(one(gvk, 1)[0]), 'x-kubernetes-group-version-kind');
  t.deepEqual(JSON.parse(text(one(fields(one(gvk, 2)[0] as Uint8Array), 2)[0])), [{ group: '', kind: 'W', version: 'v1' }], 'the value is YAML (JSON) text');
  const props = Object.fromEntries(one(sub(schema, 25), 1).map((p) => {
    const kv = fields(p as Uint8Array);
    return [text(kv[0]![1]), fields(kv[1]![1] as Uint8Array)];
  }));
  t.deepEqual(sub(props.spec, 21), [[2, 0]], 'additionalProperties: false is written (a oneof)');
  t.deepEqual(one(sub(sub(props.labels, 21), 1), 22).length, 1, 'additionalProperties: a schema');
  t.is(text(one(props.size, 2)[0]), 'int32');
  t.is(text(one(sub(props.size, 5), 2)[0]), '3', 'default as Any');
  t.deepEqual(one(props.size, 20).map((a) => text(one(fields(a as Uint8Array), 2)[0])), ['1', '3'], 'enum');
  t.deepEqual(one(props.size, 9), [], 'minimum 0 is proto3 default: not written');
  const items = sub(props.tags, 23);
  t.deepEqual(one(sub(fields(one(items, 1)[0] as Uint8Array), 22), 1).map(text), ['string']);
});

test('paths: path-level and operation parameters (body, query, path), responses, security', (t) => {
  const d = fields(encodeOpenAPIV2(doc));
  const path = fields(one(sub(d, 8), 2)[0] as Uint8Array);
  t.is(text(one(path, 1)[0]), '/api/v1/namespaces/{namespace}/widgets');
  const item = sub(path, 2);
  // Path-level parameter: ParametersItem.parameter.non_body_parameter.path_parameter_sub_schema
  const pathParam = sub(sub(sub(fields(one(item, 9)[0] as Uint8Array), 1), 2), 4);
  t.deepEqual([one(pathParam, 1)[0], text(one(pathParam, 2)[0]), text(one(pathParam, 4)[0]), text(one(pathParam, 5)[0]), one(pathParam, 19)[0]], [1, 'path', 'namespace', 'string', 1]);
  const post = sub(item, 4);
  t.is(text(one(post, 5)[0]), 'createWidget');
  const [body, query] = one(post, 8).map((p) => sub(fields(p as Uint8Array), 1));
  const b = sub(body!, 1);
  t.deepEqual([text(one(b, 2)[0]), text(one(b, 3)[0]), one(b, 4)[0], text(one(sub(b, 5), 1)[0])], ['body', 'body', 1, '#/definitions/W']);
  const q = sub(sub(query!, 2), 3);
  t.deepEqual([text(one(q, 4)[0]), text(one(q, 6)[0]), one(q, 20)[0]], ['dryRun', 'string', 1], 'query: type is field 6, uniqueItems 20');
  const resp = fields(one(sub(post, 9), 1)[0] as Uint8Array);
  t.is(text(resp[0]![1]), '200');
  t.is(text(one(sub(fields(resp[1]![1] as Uint8Array), 1), 1)[0]), 'OK');
  t.is(text(one(sub(post, 13), 1)[0]), 'x-kubernetes-action');
  const sec = fields(one(sub(d, 13), 1)[0] as Uint8Array);
  t.is(text(sec[0]![1]), 'BearerToken');
  const apiKey = sub(fields(sec[1]![1] as Uint8Array), 2);
  t.deepEqual([text(one(apiKey, 1)[0]), text(one(apiKey, 2)[0]), text(one(apiKey, 3)[0])], ['apiKey', 'authorization', 'header']);
  t.is(text(one(fields(one(sub(d, 12), 1)[0] as Uint8Array), 1)[0]), 'BearerToken', 'security requirement');
});
