// Audit: one audit.k8s.io/v1 Event per request stage, at the level the policy gives the
// request, written as JSON lines (upstream's log backend). The HTTP layer opens an audit
// context after authentication; admission plugins add annotations to it; the handler records
// the request and response objects; the context writes the stages as they happen.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { microTime } from '../../../api/meta/time.ts';
import type { UserInfo } from '../registry/types.ts';
import type { RequestInfo } from '../request-info.ts';
import { levelAtLeast, type AuditPolicy, type AuditRequirement, type Level, type Stage } from './policy.ts';

export { loadAuditPolicy, parseAuditPolicy, AuditPolicyError, type AuditPolicy } from './policy.ts';
export { openAuditLog, type AuditSink, type AuditLogOptions } from './log.ts';

/** Where events go. */
export interface EventSink {
  write(event: AuditEvent): void;
}

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: Level;
  auditID: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: UserJson;
  impersonatedUser?: UserJson;
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: Record<string, string>;
  responseStatus?: Record<string, unknown>;
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

interface UserJson {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** Upstream's long-running requests: watches, and connections (exec, attach, port-forward, proxy, log). */
const LONG_RUNNING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy', 'log']);

export interface AuditContext {
  readonly auditID: string;
  readonly level: Level;
  /** Annotations for every later stage's event (admission's, authorization's). */
  readonly annotations: Record<string, string>;
  /** Whom the caller acts as (impersonation headers): later stages name them. */
  setImpersonatedUser(user: UserInfo): void;
  /** The decoded request body, kept at level Request and above (its name completes objectRef). */
  setRequestObject(obj: unknown): void;
  /** The response body (JSON text), kept at level RequestResponse. */
  setResponseBody(body: string | Buffer, contentType: string): void;
  /** Headers are out: ResponseStarted, for long-running requests only (as upstream). */
  responseStarted(code: number): void;
  /** The request is over: ResponseComplete with its status (a Status for a failure). */
  complete(code: number, status?: Record<string, unknown>): void;
}

const auditOfRequest = new WeakMap<IncomingMessage, AuditContext>();

/** The request's audit context, if it is audited. */
export function auditOf(req: IncomingMessage): AuditContext | undefined {
  return auditOfRequest.get(req);
}

export interface Auditor {
  /** Opens the context for an authenticated request (the policy sees who authenticated, not
   * whom they impersonate); undefined when its level is None. */
  begin(req: IncomingMessage, info: RequestInfo, caller: UserInfo, now: Date): AuditContext | undefined;
  /** A request whose credentials were refused (401): one ResponseStarted event, as upstream. */
  failedAuthentication(req: IncomingMessage, info: RequestInfo, now: Date): void;
}

export function createAuditor(policy: AuditPolicy, sink: EventSink, clock: () => Date = () => new Date()): Auditor {
  return {
    begin(req, info, caller, now) {
      const need = policy.evaluate(attributesOf(info, caller));
      if (need.level === 'None') return undefined;
      const ctx = openContext(req, info, caller, need, sink, clock, now);
      auditOfRequest.set(req, ctx);
      return ctx;
    },
    failedAuthentication(req, info, now) {
      const anonymous = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
      const need = policy.evaluate(attributesOf(info, anonymous));
      if (need.level === 'None' || need.omitStages.includes('ResponseStarted')) return;
      const ev = baseEvent(req, info, { username: '' }, undefined, need.level, randomUUID(), now);
      sink.write({ ...ev, stage: 'ResponseStarted', stageTimestamp: microTime(clock()), responseStatus: { metadata: {}, message: authMethods(req), code: 401 } });
    },
  };
}

function attributesOf(info: RequestInfo, user: { username: string; groups: string[] }) {
  return {
    user,
    verb: info.verb,
    path: info.isResourceRequest ? '' : info.path,
    resource: info.isResourceRequest ? { group: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name } : undefined,
  };
}

function openContext(req: IncomingMessage, info: RequestInfo, caller: UserInfo, need: AuditRequirement, sink: EventSink, clock: () => Date, now: Date): AuditContext {
  const base: Omit<AuditEvent, 'stage' | 'stageTimestamp'> = baseEvent(req, info, caller, undefined, need.level, randomUUID(), now);
  const annotations: Record<string, string> = {};
  const longRunning = info.verb === 'watch' || (info.isResourceRequest && LONG_RUNNING_SUBRESOURCES.has(info.subresource));
  let requestObject: unknown;
  let responseObject: unknown;
  let done = false;
  const emit = (stage: Stage, extra: Partial<AuditEvent> = {}) => {
    if (need.omitStages.includes(stage)) return;
    const ev: AuditEvent = { ...base, stage, stageTimestamp: microTime(clock()), ...extra };
    if (requestObject !== undefined && stage !== 'RequestReceived') ev.requestObject = requestObject;
    if (responseObject !== undefined && stage === 'ResponseComplete') ev.responseObject = responseObject;
    if (Object.keys(annotations).length) ev.annotations = { ...annotations };
    sink.write(ev);
  };
  emit('RequestReceived');
  return {
    auditID: base.auditID,
    level: need.level,
    annotations,
    setImpersonatedUser(user) {
      base.impersonatedUser = userJson(user);
    },
    setRequestObject(obj) {
      // A create names its object only in the body: the reference takes the name from it.
      const meta = (obj as { metadata?: { name?: unknown; namespace?: unknown } } | undefined)?.metadata;
      if (base.objectRef && !base.objectRef.name && typeof meta?.name === 'string' && meta.name) base.objectRef.name = meta.name;
      if (levelAtLeast(need.level, 'Request')) requestObject = need.omitManagedFields ? withoutManagedFields(obj) : obj;
    },
    setResponseBody(body, contentType) {
      if (!levelAtLeast(need.level, 'RequestResponse') || !contentType.startsWith('application/json')) return;
      try {
        const obj = JSON.parse(body.toString()) as unknown;
        responseObject = need.omitManagedFields ? withoutManagedFields(obj) : obj;
      } catch {
        // Not JSON after all: nothing to log.
      }
    },
    responseStarted(code) {
      if (longRunning && !done) emit('ResponseStarted', { responseStatus: { metadata: {}, code } });
    },
    complete(code, status) {
      if (done) return;
      done = true;
      emit('ResponseComplete', { responseStatus: status ? { metadata: {}, ...status, code } : { metadata: {}, code } });
    },
  };
}

function baseEvent(req: IncomingMessage, info: RequestInfo, caller: { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> }, impersonated: UserInfo | undefined, level: Level, auditID: string, now: Date) {
  const ev = {
    kind: 'Event' as const,
    apiVersion: 'audit.k8s.io/v1' as const,
    level,
    auditID,
    requestURI: req.url ?? '',
    verb: info.verb,
    user: userJson(caller),
    sourceIPs: sourceIPs(req),
    requestReceivedTimestamp: microTime(now),
  } as Omit<AuditEvent, 'stage' | 'stageTimestamp'>;
  if (impersonated) ev.impersonatedUser = userJson(impersonated);
  if (req.headers['user-agent']) ev.userAgent = req.headers['user-agent'];
  if (info.isResourceRequest) {
    const ref: Record<string, string> = { resource: info.resource };
    if (info.namespace) ref.namespace = info.namespace;
    if (info.name) ref.name = info.name;
    if (info.group) ref.apiGroup = info.group;
    ref.apiVersion = info.version;
    if (info.subresource) ref.subresource = info.subresource;
    ev.objectRef = ref;
  }
  return ev;
}

function userJson(u: { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> }): UserJson {
  const out: UserJson = { username: u.username };
  if (u.uid) out.uid = u.uid;
  if (u.groups?.length) out.groups = u.groups;
  if (u.extra && Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}

/** X-Forwarded-For, X-Real-Ip, then the peer, as upstream's utilnet.SourceIPs. */
function sourceIPs(req: IncomingMessage): string[] {
  const out: string[] = [];
  const fwd = req.headers['x-forwarded-for'];
  if (typeof fwd === 'string') out.push(...fwd.split(',').map((s) => s.trim()).filter(Boolean));
  const real = req.headers['x-real-ip'];
  if (typeof real === 'string' && real && !out.includes(real)) out.push(real);
  const peer = req.socket.remoteAddress?.replace(/^::ffff:/, '');
  if (peer && !out.includes(peer)) out.push(peer);
  return out;
}

function authMethods(req: IncomingMessage): string {
  const tried: string[] = [];
  if ((req.socket as { getPeerCertificate?: () => { raw?: Buffer } }).getPeerCertificate?.()?.raw) tried.push('certificate');
  if (/^bearer /i.test(req.headers.authorization ?? '')) tried.push('bearer');
  return tried.length ? `Authentication failed, attempted: ${tried.join(', ')}` : 'Authentication failed';
}

function withoutManagedFields(obj: unknown): unknown {
  if (!obj || typeof obj !== 'object') return obj;
  const o = obj as { metadata?: { managedFields?: unknown }; items?: unknown[] };
  let out: Record<string, unknown> = o as Record<string, unknown>;
  if (o.metadata?.managedFields !== undefined) {
    const { managedFields: _drop, ...meta } = o.metadata;
    out = { ...out, metadata: meta };
  }
  if (Array.isArray(o.items)) out = { ...out, items: o.items.map(withoutManagedFields) };
  return out;
}
