// Query parameters of resource requests, parsed once, with upstream's errors for bad values.

import { badRequest, StatusError } from '../../api/meta/errors.ts';
import type { FieldValidation, DeleteOptions } from './registry/types.ts';

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  limit?: number;
  continue?: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
}

function isTrue(v: string | null): boolean {
  return v !== null && (v === '' || v === '1' || v.toLowerCase() === 'true');
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** `watch`: the query of a watch, which upstream checks by its own rules (a watch-list may omit resourceVersion). */
export function parseListQuery(q: URLSearchParams, watch = false): ListQuery {
  const rvm = q.get('resourceVersionMatch') ?? undefined;
  const rv = q.get('resourceVersion') ?? undefined;
  const limit = intParam(q, 'limit');
  const cont = q.get('continue') || undefined;
  const sie = q.get('sendInitialEvents');
  if (rvm !== undefined && rvm !== '' && rvm !== 'Exact' && rvm !== 'NotOlderThan') {
    throw invalidList(`resourceVersionMatch: Unsupported value: "${rvm}": supported values: "Exact", "NotOlderThan"`);
  }
  if (watch) {
    // Upstream's validateWatchOptions: sendInitialEvents goes with NotOlderThan (resourceVersion
    // unset asks for a consistent state), and resourceVersionMatch only with sendInitialEvents.
    if (sie !== null && rvm !== 'NotOlderThan') throw invalidList('resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    if (rvm && sie === null) throw invalidList('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  } else if (rvm !== undefined && rvm !== '') {
    if (!rv) throw invalidList(`resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided`);
    if (cont) throw invalidList(`resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided`);
    if (rvm === 'Exact' && rv === '0') throw invalidList(`resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"`);
  }
  if (cont && rv && rv !== '0') {
    throw invalidList(`resourceVersion: Forbidden: specifying resource version is not allowed when using continue`);
  }
  if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) {
    throw new StatusError(400, 'BadRequest', `invalid resource version: ${rv}`);
  }
  return {
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    resourceVersion: rv,
    resourceVersionMatch: rvm === 'Exact' || rvm === 'NotOlderThan' ? rvm : undefined,
    limit: limit && limit > 0 ? limit : undefined,
    continue: cont,
    allowWatchBookmarks: isTrue(q.get('allowWatchBookmarks')),
    timeoutSeconds: intParam(q, 'timeoutSeconds'),
    sendInitialEvents: sie === null ? undefined : isTrue(sie),
  };
}

function invalidList(detail: string): StatusError {
  return new StatusError(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${detail}`, {
    kind: 'ListOptions',
    group: 'meta.k8s.io',
    causes: [{ reason: 'FieldValueInvalid', message: detail, field: detail.split(':')[0] }],
  });
}

export interface WriteQuery {
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: FieldValidation;
  force: boolean;
}

export function parseWriteQuery(q: URLSearchParams): WriteQuery {
  const dry = q.getAll('dryRun');
  for (const d of dry) {
    if (d !== 'All') {
      throw new StatusError(400, 'BadRequest', `Invalid dry run value: ${JSON.stringify(d)}: supported values: "All"`);
    }
  }
  const fv = q.get('fieldValidation') ?? 'Warn';
  if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
    throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got ${JSON.stringify(fv)}`);
  }
  const fm = q.get('fieldManager') ?? undefined;
  if (fm !== undefined && fm.length > 128) {
    throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
  }
  return { dryRun: dry.length > 0, fieldManager: fm, fieldValidation: fv, force: isTrue(q.get('force')) };
}

/** DeleteOptions from the body (if any) and query parameters. */
export function parseDeleteOptions(q: URLSearchParams, body: unknown): DeleteOptions {
  const opts: DeleteOptions = {};
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = b.gracePeriodSeconds;
    if (b.preconditions && typeof b.preconditions === 'object') opts.preconditions = b.preconditions as DeleteOptions['preconditions'];
    if (typeof b.propagationPolicy === 'string') opts.propagationPolicy = b.propagationPolicy as DeleteOptions['propagationPolicy'];
    if (typeof b.orphanDependents === 'boolean') opts.orphanDependents = b.orphanDependents;
  }
  const g = intParam(q, 'gracePeriodSeconds');
  if (g !== undefined) opts.gracePeriodSeconds = g;
  const p = q.get('propagationPolicy');
  if (p) opts.propagationPolicy = p as DeleteOptions['propagationPolicy'];
  const o = q.get('orphanDependents');
  if (o !== null) opts.orphanDependents = isTrue(o);
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw new StatusError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 0;
  return opts;
}

/**
 * Dry run asked in a DeleteOptions body (`"dryRun": ["All"]`, which is how kubectl delete
 * --dry-run=server sends it) rather than in the query; other values are a 400 as in the query.
 */
export function bodyDryRun(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const d = (body as Record<string, unknown>).dryRun;
  if (d === undefined || d === null) return false;
  const values = Array.isArray(d) ? d : [d];
  for (const v of values) {
    if (v !== 'All') throw new StatusError(400, 'BadRequest', `Invalid dry run value: ${JSON.stringify(v)}: supported values: "All"`);
  }
  return values.length > 0;
}
