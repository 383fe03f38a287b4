// JSON patch (RFC 6902, application/json-patch+json) over fast-json-patch.
// Upstream: a document that is not a list of operations is 400 BadRequest; more than 10000
// operations is 413; an operation that fails against the object (a `test` that does not
// hold, a path that does not exist, an unknown op) is 422 Invalid.

import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { StatusError } from '../../../api/meta/errors.ts';
import { malformedPatch, patchNotApplicable, patchResultInvalid } from './errors.ts';
import { clone, decodeJsonBody, isObject } from './json.ts';
import type { JsonObject } from './json.ts';

export const MAX_JSON_PATCH_OPERATIONS = 10000;

const OP_NAMES = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Applies an RFC 6902 patch to a copy of `live`; `body` is text, bytes or decoded JSON. */
export function applyJsonPatch(live: JsonObject, body: unknown): JsonObject {
  const decoded = decodeJsonBody(body);
  if (!decoded.ok) throw malformedPatch(`error decoding patch: ${decoded.error}`);
  const ops = decoded.value;
  if (!Array.isArray(ops)) {
    throw malformedPatch('error decoding patch: a JSON patch must be a list of operations');
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new StatusError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  ops.forEach((op, i) => checkShape(op, i));
  let doc: unknown = clone(live);
  ops.forEach((op, i) => {
    try {
      doc = jsonpatch.applyOperation(doc, op as Operation, true, true, true, i).newDocument;
    } catch (e) {
      throw patchNotApplicable(describe(op as Operation, e));
    }
  });
  if (!isObject(doc)) throw patchResultInvalid(doc, 'the patched document must be an object');
  return doc;
}

/** Operations that are not objects with an op and a path are undecodable: 400 like upstream's decode. */
function checkShape(op: unknown, i: number): void {
  if (!isObject(op)) throw malformedPatch(`error decoding patch: operation ${i} is not an object`);
  if (typeof op.op !== 'string') {
    throw patchNotApplicable(`operation ${i}: missing "op"`);
  }
  if (!OP_NAMES.has(op.op)) throw patchNotApplicable(`operation ${i}: unknown op "${op.op}"`);
  if (typeof op.path !== 'string') throw patchNotApplicable(`operation ${i} (${op.op}): missing "path"`);
  if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
    throw patchNotApplicable(`operation ${i} (${op.op}): missing "from"`);
  }
  if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) {
    throw patchNotApplicable(`operation ${i} (${op.op} ${op.path}): missing "value"`);
  }
}

function describe(op: Operation, e: unknown): string {
  const name = e instanceof Error ? e.name : '';
  const where = `${op.op} operation at ${op.path}`;
  switch (name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${op.path} failed`;
    case 'OPERATION_PATH_UNRESOLVABLE':
      return `${where} does not apply: the path does not exist`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${where} does not apply: "from" path does not exist`;
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return `${where} does not apply: invalid array index`;
    case 'OPERATION_PATH_INVALID':
      return `${where}: invalid path`;
    default: {
      const first = e instanceof Error ? e.message.split('\n')[0] : String(e);
      return `${where} failed: ${first}`;
    }
  }
}
