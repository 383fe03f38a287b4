// Upstream's request deadline for requests that are not long-running: the `timeout` query
// parameter (a Go duration; kubectl's --request-timeout sends it) when it is positive and below
// the server's maximum (--request-timeout, 60 s), else that maximum. Past it the client gets
// 504 Timeout with upstream's words while the work may still finish behind it (as upstream's:
// a write that times out may still land). A malformed timeout is 400 BadRequest.
// Watches and exec/attach/log/proxy/portforward keep their own timeouts.

import type { ServerResponse } from 'node:http';
import { badRequest, StatusError } from '../../api/meta/errors.ts';
import { parseGoDuration } from '../../api/meta/duration.ts';
import type { RequestInfo } from './request-info.ts';

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const INVALID_TIMEOUT = 'invalid timeout specified in the request URL';
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

/** The deadline of a request in ms, or undefined for a long-running one; throws 400 for a malformed `timeout`. */
export function requestDeadlineMs(info: RequestInfo, query: URLSearchParams, maxMs = DEFAULT_REQUEST_TIMEOUT_MS): number | undefined {
  if (info.isResourceRequest && (info.verb === 'watch' || LONG_RUNNING_SUBRESOURCES.has(info.subresource))) return undefined;
  const value = query.get('timeout');
  if (!value) return maxMs;
  let asked: number;
  try {
    asked = parseGoDuration(value);
  } catch (e) {
    throw badRequest(`${INVALID_TIMEOUT} - ${(e as Error).message}`);
  }
  return asked > 0 && asked < maxMs ? asked : maxMs;
}

/**
 * Runs the request, answering 504 Timeout if it is not done within `ms`. A response already
 * begun cannot be turned into a Status: its connection is cut, as upstream's does.
 */
export async function withDeadline(ms: number | undefined, res: ServerResponse, run: () => Promise<void>): Promise<void> {
  if (ms === undefined) return run();
  const work = run();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), ms)));
  try {
    if ((await Promise.race([work.then(() => 'done' as const), expired])) === 'done') return;
  } finally {
    clearTimeout(timer);
  }
  work.catch(() => {}); // it ends behind the 504; its failure reaches nobody
  if (res.headersSent) {
    res.destroy();
    return;
  }
  throw new StatusError(504, 'Timeout', 'Timeout: request did not complete within requested timeout - context deadline exceeded');
}
