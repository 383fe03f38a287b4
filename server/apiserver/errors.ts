// What reaches a client is a StatusError; anything else is logged and answered as a generic
// 500 without internals. The wire Status is written in one place: http.ts's error handler.

import { StatusError, internalError } from '../../api/meta/errors.ts';

export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  return internalError('an unexpected error occurred; see the server log');
}
