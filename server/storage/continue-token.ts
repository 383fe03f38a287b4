// The opaque `continue` token of a paged list, shaped like upstream's so that clients
// which peek into it (few do) see the same thing: base64url (no padding) of
// {"v":"meta.k8s.io/v1","rv":<revision the first page was read at>,"start":"<next key, relative to the list prefix>"}.
// rv -1 means "continue at the latest revision" (handed out when the original revision was compacted).

import { badRequest, type StatusError } from '../../api/meta/errors.ts';

const TOKEN_VERSION = 'meta.k8s.io/v1';

export interface ContinuePosition {
  /** Absolute key to resume at (inclusive). */
  startKey: string;
  /** Revision to read at; -1: the current one. */
  revision: number;
}

/** nextKey: the absolute key the next page starts at (inclusive); it must lie under prefix. */
export function encodeContinue(nextKey: string, prefix: string, revision: number): string {
  if (!nextKey.startsWith(prefix) || nextKey === prefix) {
    throw new Error(`continue token: key ${JSON.stringify(nextKey)} is not under ${JSON.stringify(prefix)}`);
  }
  const token = { v: TOKEN_VERSION, rv: revision, start: nextKey.slice(prefix.length) };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The key a page after lastKey starts at: the smallest key greater than lastKey. */
export function keyAfter(lastKey: string): string {
  return `${lastKey}\x00`;
}

function invalid(detail?: string): StatusError {
  return badRequest(`invalid continue token: continue key is not valid${detail ? `: ${detail}` : ''}`);
}

/** Throws 400 BadRequest for anything that is not a token we could have issued for this prefix. */
export function decodeContinue(token: string, prefix: string): ContinuePosition {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalid('illegal base64 data');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (e) {
    throw invalid((e as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { v, rv, start } = parsed as Record<string, unknown>;
  if (v !== TOKEN_VERSION) throw invalid('server does not recognize this encoded version');
  if (typeof rv !== 'number' || !Number.isInteger(rv) || rv === 0 || rv < -1) {
    throw invalid(`incorrect encoded start resourceVersion (version ${TOKEN_VERSION})`);
  }
  if (typeof start !== 'string' || start.length === 0) {
    throw invalid(`encoded start key empty (version ${TOKEN_VERSION})`);
  }
  // Refuse anything that would step out of the prefix (path traversal) or is not clean.
  const segments = start.split('/');
  if (start.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) throw invalid();
  return { startKey: prefix + start, revision: rv };
}
