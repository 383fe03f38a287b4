// Reading and decoding request bodies: a size limit, JSON or YAML, and the upstream errors.

import type { IncomingMessage } from 'node:http';
import * as yaml from 'js-yaml';
import { StatusError, badRequest } from '../../api/meta/errors.ts';
import type { BodyType } from './negotiate.ts';
import { ProtobufDecodeError, decodeProtobufBody } from '../../openapi/proto/decode.ts';

/** Upstream's limit on a request body: 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw tooLargeError(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Upstream's words: "Request entity too large: limit is 3145728". */
function tooLargeError(limit: number): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

/** Decodes a body to a JSON value; 400 BadRequest with the parser's complaint if malformed. */
export function decodeBody(buf: Buffer, type: BodyType): unknown {
  if (type === 'protobuf') {
    try {
      return decodeProtobufBody(buf);
    } catch (e) {
      if (e instanceof ProtobufDecodeError) throw badRequest(e.message);
      throw e;
    }
  }
  const text = buf.toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty; an object was expected');
  if (type === 'yaml' || type === 'apply-patch') {
    try {
      const docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
      if (docs.length !== 1) throw badRequest(`expected a single YAML document, got ${docs.length}`);
      return docs[0];
    } catch (e) {
      if (e instanceof StatusError) throw e;
      throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`json: ${(e as Error).message}`);
  }
}

/** Duplicate keys in a JSON object body, as paths (for fieldValidation Strict/Warn). */
export function duplicateJsonFields(text: string): string[] {
  // A light scanner: tracks object nesting and keys seen per object. Strings are skipped exactly.
  const dups: string[] = [];
  const stack: { keys: Set<string>; path: string; pendingKey?: string; isArray: boolean; index: number }[] = [];
  let i = 0;
  const n = text.length;
  let lastString: string | undefined;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      lastString = JSON.parse(text.slice(i, j + 1)) as string;
      i = j + 1;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === '{' || c === '[') {
      const childPath = top ? (top.isArray ? `${top.path}[${top.index}]` : `${top.path}.${top.pendingKey ?? ''}`) : '';
      stack.push({ keys: new Set(), path: childPath, isArray: c === '[', index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ':' && top && !top.isArray && lastString !== undefined) {
      if (top.keys.has(lastString)) dups.push(`${top.path}.${lastString}`.replace(/^\./, ''));
      top.keys.add(lastString);
      top.pendingKey = lastString;
    } else if (c === ',' && top?.isArray) {
      top.index++;
    }
    i++;
  }
  return dups;
}
