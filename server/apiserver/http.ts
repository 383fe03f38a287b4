// The koa app: one small middleware per job — metrics and logging, errors as Status,
// authentication and authorization, then routing to health, version, metrics, discovery, OpenAPI or resources.

import Koa from 'koa';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from '../../api/meta/errors.ts';
import type { Logger } from '../log.ts';
import type { UserInfo } from './registry/types.ts';
import { toStatusError } from './errors.ts';
import { parseRequestInfo, type RequestInfo } from './request-info.ts';
import type { ApiMetrics } from './metrics.ts';
import { handleResource, type Reply } from './resource-handler.ts';
import type { ApiContext } from './api-context.ts';
import { negotiateOutput } from './negotiate.ts';
import { encode } from './output.ts';
import { impersonate } from './authz/impersonation.ts';
import { forbiddenError, requestAttributes, type Attributes, type AuthorizerResult } from './authz/attributes.ts';
import type { AggregationHandler } from './aggregation/handler.ts';
import { auditOf, type AuditContext, type Auditor } from './audit/index.ts';
import { DEBUG_PREFIX, type FlowControl } from './flowcontrol/index.ts';
import { requestDeadlineMs, withDeadline } from './request-deadline.ts';

export interface NonResourceRoutes {
  /** Answers a non-resource path (discovery, OpenAPI, version, health), or undefined for 404. */
  route(path: string, req: IncomingMessage, query: URLSearchParams): Promise<Reply | undefined>;
}

export interface HttpDeps {
  api: ApiContext;
  routes: NonResourceRoutes;
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined>;
  /** The authorizer chain: anything but 'allow' is a 403. */
  authorize(a: Attributes): AuthorizerResult;
  metrics: ApiMetrics;
  log: Logger;
  now(): Date;
  /** Group versions served by extension apiservers: proxied once authorized. */
  aggregation?: AggregationHandler;
  /** Audit logging, when a policy is configured. */
  audit?: Auditor;
  /** API Priority and Fairness: every authorized request waits for its priority level's seat. */
  flowControl?: FlowControl;
  /** The longest a request that is not long-running may take (upstream's --request-timeout, 60 s); `?timeout=` may ask for less. */
  requestTimeoutMs?: number;
}

const gzip = promisify(gzipCb);

interface State {
  info?: RequestInfo;
  dryRun?: boolean;
}

/** Upstream compresses responses of 128 KiB or more for clients that accept gzip. */
export const GZIP_MIN_BYTES = 128 * 1024;

async function maybeGzip(acceptEncoding: string, body: string | Buffer, setHeader: (k: string, v: string) => void): Promise<string | Buffer> {
  if (body.length < GZIP_MIN_BYTES || !/\bgzip\b/.test(acceptEncoding)) return body;
  const zipped = await gzip(body, { level: 4 });
  setHeader('Content-Encoding', 'gzip');
  setHeader('Vary', 'Accept-Encoding');
  return zipped;
}

/** Upstream's verb label: the HTTP method for writes, LIST/WATCH for collections, APPLY for apply. */
function metricVerb(verb: string, contentType: string): string {
  switch (verb) {
    case 'create':
      return 'POST';
    case 'update':
      return 'PUT';
    case 'patch':
      return contentType.startsWith('application/apply-patch') ? 'APPLY' : 'PATCH';
    case 'delete':
    case 'deletecollection':
      return 'DELETE';
    default:
      return verb.toUpperCase();
  }
}

export function createApp(deps: HttpDeps): Koa {
  const app = new Koa();
  app.proxy = false;
  app.silent = true;

  // Metrics and logging: time every request and label it as upstream does.
  app.use(async (ctx, next) => {
    const start = process.hrtime.bigint();
    const state = ctx.state as State;
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const info = state.info;
      if (info?.isResourceRequest && info.verb === 'watch' && ctx.res.statusCode === 200 && ctx.res.socket && !ctx.res.socket.destroyed && !ctx.res.writableFinished) {
        // An open watch, counted until its stream closes.
        const labels = { verb: 'WATCH', group: info.group, version: info.version, resource: info.resource, subresource: info.subresource, scope: info.namespace ? 'namespace' : 'cluster', component: 'apiserver' };
        deps.metrics.watchers.inc(labels);
        ctx.res.once('close', () => deps.metrics.watchers.dec(labels));
      }
      if (info?.isResourceRequest && info.verb !== 'watch') {
        deps.metrics.observe(
          {
            verb: metricVerb(info.verb, ctx.get('content-type')),
            group: info.group,
            version: info.version,
            resource: info.resource,
            subresource: info.subresource,
            scope: info.name ? 'resource' : info.namespace ? 'namespace' : 'cluster',
            code: String(ctx.res.statusCode),
            dry_run: ctx.query.dryRun ? 'All' : '',
          },
          seconds,
        );
      }
      if (deps.log.enabled(2)) {
        deps.log.debug('request', { method: ctx.method, path: ctx.path, code: ctx.res.statusCode, ms: Math.round(seconds * 1000) });
      }
    }
  });

  // Errors: every failure reaches the client as a Status with the upstream reason and code.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      const err = toStatusError(e);
      if (!(e instanceof StatusError)) deps.log.error('request failed', { method: ctx.method, path: ctx.path, err: e as Error, stack: (e as Error)?.stack });
      if (ctx.res.headersSent) {
        ctx.res.end();
        return;
      }
      ctx.respond = true;
      ctx.status = err.code;
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(err.toStatus());
    }
  });

  // Authentication, then authorization: who is asking (system:anonymous when no credential
  // is presented), and whether the chain lets them (anonymous reaches what RBAC grants
  // system:unauthenticated: health and version).
  // The audit context opens once the caller is known and sees everything after: refusals
  // of impersonation and authorization included.
  app.use(async (ctx, next) => {
    const info = parseRequestInfo(ctx.method, ctx.path, new URLSearchParams(ctx.querystring));
    (ctx.state as State).info = info;
    const caller = await deps.authenticate(ctx.req);
    if (!caller) {
      deps.audit?.failedAuthentication(ctx.req, info, deps.now());
      throw new StatusError(401, 'Unauthorized', 'Unauthorized');
    }
    const audit = deps.audit?.begin(ctx.req, info, caller, deps.now());
    if (audit) {
      ctx.set('Audit-Id', audit.auditID);
      watchResponseStart(ctx.res, audit);
    }
    try {
      const user = impersonate(ctx.req, caller, deps.authorize);
      if (audit && user !== caller) audit.setImpersonatedUser(user);
      (ctx.state as { user?: UserInfo }).user = user;
      const attrs = requestAttributes(user, info);
      const verdict = deps.authorize(attrs);
      if (audit) {
        audit.annotations['authorization.k8s.io/decision'] = verdict.decision === 'allow' ? 'allow' : 'forbid';
        audit.annotations['authorization.k8s.io/reason'] = verdict.reason;
      }
      if (verdict.decision !== 'allow') throw forbiddenError(attrs, verdict.reason);
      const apf = deps.flowControl;
      const dump = apf && !info.isResourceRequest && info.path.startsWith(DEBUG_PREFIX) ? apf.debug(info.path) : undefined;
      if (dump !== undefined) {
        ctx.status = 200;
        ctx.type = 'text/plain';
        ctx.body = dump;
      } else {
        const query = new URLSearchParams(ctx.querystring);
        const res = ctx.res;
        await withDeadline(requestDeadlineMs(info, query, deps.requestTimeoutMs), res, async () => {
          if (!apf) return next();
          const finished = new Promise<void>((resolve) => {
            if (res.writableFinished || res.destroyed) return resolve();
            res.once('finish', resolve);
            res.once('close', resolve);
          });
          await apf.handle(user, info, query, (k, v) => ctx.set(k, v), () => next(), finished);
        });
      }
      audit?.complete(ctx.res.statusCode || ctx.status);
    } catch (e) {
      if (audit) {
        const { kind: _k, apiVersion: _v, ...status } = toStatusError(e).toStatus() as unknown as Record<string, unknown>;
        audit.complete(status.code as number, status);
      }
      throw e;
    }
  });

  // Routing.
  app.use(async (ctx) => {
    const query = new URLSearchParams(ctx.querystring);
    const info = (ctx.state as State).info!;
    if (deps.aggregation) {
      ctx.respond = false;
      if (await deps.aggregation.handle(ctx.path, ctx.querystring, ctx.req, ctx.res, (ctx.state as { user: UserInfo }).user)) return;
      ctx.respond = true;
    }
    let r: Reply | undefined;
    if (info.isResourceRequest) {
      ctx.respond = false;
      r = await handleResource(deps.api, info, ctx.req, ctx.res, query, (ctx.state as { user: UserInfo }).user, deps.now());
      if (!r) return; // a watch wrote its own response
      ctx.respond = true;
    } else {
      r = await deps.routes.route(ctx.path, ctx.req, query);
      if (!r) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    ctx.status = r.code;
    ctx.set('Cache-Control', 'no-cache, private');
    for (const [k, v] of Object.entries(r.headers ?? {})) ctx.set(k, v);
    ctx.type = r.contentType;
    auditOf(ctx.req)?.setResponseBody(r.body, r.contentType);
    ctx.body = await maybeGzip(ctx.get('accept-encoding'), r.body, (k, v) => (k === 'Vary' ? ctx.vary(v) : ctx.set(k, v)));
  });
  return app;
}

/** ResponseStarted when the headers go out (the context writes it for long-running requests only). */
function watchResponseStart(res: ServerResponse, audit: AuditContext): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    audit.responseStarted(args[0] as number);
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
}

/** A JSON (or YAML) reply for a plain document. */
export function docReply(req: IncomingMessage, doc: unknown, code = 200): Reply {
  const out = negotiateOutput(req.headers.accept?.includes('yaml') ? 'application/yaml' : 'application/json', { supportsAs: false });
  const e = encode(doc, out);
  return { code, contentType: e.contentType, body: e.body };
}
