// ApiError: what the apiserver answered when a call failed, carrying the Status it sent, and
// the predicates loops branch on (isNotFound, isConflict, ...). `code` 0 means no answer.

import type { ApiErrorShape } from './types.ts';

export interface WireStatus {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: unknown[]; retryAfterSeconds?: number };
}

/** Upstream's default reason for a bare HTTP code, used when the body is not a Status. */
const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export class ApiError extends Error implements ApiErrorShape {
  readonly code: number;
  readonly reason: string;
  readonly status?: WireStatus;

  constructor(code: number, reason: string, message: string, status?: WireStatus) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.status = status;
  }

  /** From an HTTP answer: the Status in the body if there is one, else the code's default reason. */
  static fromResponse(code: number, body: string, what: string): ApiError {
    let status: WireStatus | undefined;
    try {
      const parsed = JSON.parse(body) as WireStatus;
      if (parsed && parsed.kind === 'Status') status = parsed;
    } catch {
      // not JSON: keep the text as the message
    }
    const reason = status?.reason || REASON_BY_CODE[code] || 'Unknown';
    const message = status?.message || body.trim().slice(0, 500) || `${what}: HTTP ${code}`;
    return new ApiError(status?.code ?? code, reason, message, status);
  }

  /** From a Status object (e.g. a watch ERROR event). */
  static fromStatus(s: WireStatus): ApiError {
    const code = typeof s.code === 'number' ? s.code : 500;
    return new ApiError(code, s.reason || REASON_BY_CODE[code] || 'Unknown', s.message || `status ${code}`, s);
  }

  /** The request got no answer: refused, reset, timed out. */
  static noAnswer(what: string, cause: unknown): ApiError {
    const msg = cause instanceof Error ? cause.message : String(cause);
    return new ApiError(0, 'ConnectionFailure', `${what}: ${msg}`);
  }
}

const codeOf = (e: unknown): number | undefined =>
  e instanceof ApiError ? e.code : typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number' ? (e as { code: number }).code : undefined;

const reasonOf = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { reason?: unknown }).reason === 'string' ? (e as { reason: string }).reason : undefined;

export const isNotFound = (e: unknown): boolean => codeOf(e) === 404;
export const isConflict = (e: unknown): boolean => codeOf(e) === 409 && reasonOf(e) !== 'AlreadyExists';
export const isAlreadyExists = (e: unknown): boolean => codeOf(e) === 409 && reasonOf(e) === 'AlreadyExists';
export const isGone = (e: unknown): boolean => codeOf(e) === 410;
export const isTooManyRequests = (e: unknown): boolean => codeOf(e) === 429;
export const isNoAnswer = (e: unknown): boolean => codeOf(e) === 0;
