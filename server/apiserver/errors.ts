// The one place a StatusError becomes a wire Status. Anything that is not a StatusError is
// logged and answered as a generic 500 without internals.

import type { ServerResponse } from 'node:http';
import { StatusError, internalError, type Status } from '../../api/meta/errors.ts';

export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  return internalError('an unexpected error occurred; see the server log');
}

export function statusBody(err: StatusError): Status {
  return err.toStatus();
}

/** Writes a Status response on a raw Node response (used outside koa's body handling too). */
export function writeStatus(res: ServerResponse, err: StatusError): void {
  const body = JSON.stringify(err.toStatus());
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = err.code;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');
  res.end(body);
}
