// Serves resource requests: resolve the kind, check verb and scope, and hand the request to
// the generic engine; the response is the object, a list, a Table, or a watch stream.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, ResourceType, Subresource, Verb } from '../../api/types.ts';
import { groupVersion } from '../../api/types.ts';
import { StatusError, badRequest } from '../../api/meta/errors.ts';
import type { ApiContext, SubresourceHandler } from './api-context.ts';
import { defaultTypeMeta, isBuiltinResource } from './type-meta.ts';
import { bodyType, negotiateOutput, type BodyType, type Output } from './negotiate.ts';
import { decodeBody, duplicateJsonFields, readBody } from './body.ts';
import { encode, encodeJsonText, listJson, partialObjectMetadata, partialObjectMetadataList, type Encoded } from './output.ts';
import { bodyDryRun, parseDeleteOptions, parseListQuery, parseWriteQuery } from './query.ts';
import type { ResourceRequest } from './request-info.ts';
import { writtenJson, type RequestContext, type UserInfo } from './registry/types.ts';
import { serveWatch } from './watch.ts';
import { auditOf } from './audit/index.ts';

export interface Reply {
  code: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

const NOT_FOUND = () => new StatusError(404, 'NotFound', 'the server could not find the requested resource');

/** Returns a Reply, or undefined when it wrote the response itself (watch). */
export async function handleResource(
  api: ApiContext,
  info: ResourceRequest,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  user: UserInfo,
  now: Date,
): Promise<Reply | undefined> {
  const rt = api.lookup(info.group, info.version, info.resource);
  if (!rt) throw NOT_FOUND();
  if (info.apiPrefix === 'api' ? info.group !== '' : info.group === '') throw NOT_FOUND();
  // A cluster-scoped resource under /namespaces/{ns}/ does not exist.
  if (!rt.namespaced && info.inNamespace) throw NOT_FOUND();
  const namespace = rt.namespaced ? info.namespace : '';
  const pretty = query.get('pretty') === 'true' || query.get('pretty') === '1';
  const ctx: RequestContext = {
    user,
    namespace,
    now,
    dryRun: false,
    fieldValidation: 'Warn',
    userAgent: req.headers['user-agent'],
    warnings: [],
    auditAnnotations: auditOf(req)?.annotations,
  };
  try {
    return await serveResource(api, rt, info, req, res, query, ctx, pretty);
  } catch (e) {
    // A refused request still carries its warnings, as upstream's (a policy may warn and deny).
    if (ctx.warnings.length && !res.headersSent) res.setHeader('Warning', warningHeader(ctx.warnings));
    throw e;
  }
}

async function serveResource(
  api: ApiContext,
  rt: ResourceType,
  info: ResourceRequest,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  ctx: RequestContext,
  pretty: boolean,
): Promise<Reply | undefined> {
  if (info.subresource) {
    const sub = rt.subresources?.find((s) => s.name === info.subresource);
    const connect = sub && api.subresource?.(rt, sub.name)?.connect;
    if (connect) {
      const verb = info.verb === 'list' || info.verb === 'watch' ? 'get' : info.verb;
      if (!sub.verbs.includes(verb as Verb)) throw methodNotAllowed();
      await connect(ctx, info.name, req, res, query, info.rest);
      return undefined;
    }
    return handleSubresource(api, rt, info, req, query, ctx, pretty);
  }
  if (info.rest.length) throw NOT_FOUND();
  if (!rt.verbs.includes(info.verb as Verb)) throw methodNotAllowed();
  const out = (supportsAs: boolean) => negotiateOutput(req.headers.accept, { supportsAs, pretty });
  const engine = api.engine(rt);

  switch (info.verb) {
    case 'get': {
      const o = out(true);
      const obj = await engine.get(ctx, info.name, query.get('resourceVersion') ?? undefined);
      return objectReply(api, rt, obj, o, 200, ctx, query);
    }
    case 'list': {
      const o = out(true);
      const lq = parseListQuery(query);
      const predicate = api.predicate(rt, lq.labelSelector, lq.fieldSelector);
      const page = await engine.list(ctx, { ...lq, predicate });
      const lm = { resourceVersion: page.resourceVersion, continue: page.continue, remainingItemCount: page.remainingItemCount };
      if (o.as === 'Table') {
        const table = api.toTable(rt, page.items, ctx.now, tableOpts(query));
        (table as { metadata?: unknown }).metadata = { resourceVersion: page.resourceVersion, continue: page.continue, remainingItemCount: page.continue ? page.remainingItemCount : undefined };
        return reply(200, encode(table, o), ctx);
      }
      if (o.as === 'PartialObjectMetadataList' || o.as === 'PartialObjectMetadata') {
        return reply(200, encode(partialObjectMetadataList(page.items, o.asVersion ?? 'v1', lm), o), ctx);
      }
      return reply(200, encodeJsonText(listJson(rt, page, lm), o), ctx);
    }
    case 'watch': {
      const o = out(true);
      const lq = parseListQuery(query, true);
      let predicate = api.predicate(rt, lq.labelSelector, lq.fieldSelector);
      if (info.name) {
        const name = info.name;
        const p = predicate;
        predicate = (obj) => obj.metadata?.name === name && (!p || p(obj));
      }
      await serveWatch(api, rt, engine, ctx, lq, predicate, o, query, req, res);
      return undefined;
    }
    case 'create': {
      const wq = parseWriteQuery(query);
      Object.assign(ctx, { dryRun: wq.dryRun, fieldManager: wq.fieldManager, fieldValidation: wq.fieldValidation });
      const o = out(false);
      const body = await readObject(req, ctx);
      if (info.name) throw methodNotAllowed();
      // Review kinds are questions: answered, never stored.
      const review = api.review?.(rt);
      if (review) return objectReply(api, rt, await review(ctx, engine.checkBody(ctx, body)), o, 201, ctx, query);
      const created = await engine.create(ctx, body);
      return objectReply(api, rt, created, o, 201, ctx, query);
    }
    case 'update': {
      const wq = parseWriteQuery(query);
      Object.assign(ctx, { dryRun: wq.dryRun, fieldManager: wq.fieldManager, fieldValidation: wq.fieldValidation });
      const o = out(false);
      const body = await readObject(req, ctx);
      const r = await engine.update(ctx, info.name, body);
      return objectReply(api, rt, r.object, o, r.created ? 201 : 200, ctx, query);
    }
    case 'patch': {
      const wq = parseWriteQuery(query);
      Object.assign(ctx, { dryRun: wq.dryRun, fieldManager: wq.fieldManager, fieldValidation: wq.fieldValidation });
      const o = out(false);
      const type = bodyType(req.headers['content-type'], true);
      const patch = decodeAudited(req, await readBody(req), type);
      if (type === 'apply-patch' && !wq.fieldManager) {
        throw badRequest('PATCH is not supported for apply requests without a fieldManager: fieldManager is required for apply requests');
      }
      const r = await engine.updateWith(ctx, info.name, (live) => api.patch(rt, type, live, patch, ctx, wq.force), undefined, type === 'apply-patch');
      return objectReply(api, rt, r.object, o, r.created ? 201 : 200, ctx, query);
    }
    case 'delete': {
      const wq = parseWriteQuery(query);
      ctx.dryRun = wq.dryRun;
      const o = out(false);
      const raw = await readBody(req);
      const body = raw.length ? decodeAudited(req, raw, bodyType(req.headers['content-type'], false)) : undefined;
      ctx.dryRun = wq.dryRun || bodyDryRun(body);
      const r = await engine.delete(ctx, info.name, parseDeleteOptions(query, body));
      if (!r.deleted || rt.strategy?.returnDeletedObject) return reply(r.deleted ? 200 : 202, encode(r.object, o), ctx);
      const m = r.object.metadata ?? {};
      return reply(200, encode(successStatus(rt, m.name ?? info.name, m.uid), o), ctx);
    }
    case 'deletecollection': {
      const wq = parseWriteQuery(query);
      ctx.dryRun = wq.dryRun;
      const o = out(false);
      const lq = parseListQuery(query);
      const raw = await readBody(req);
      const body = raw.length ? decodeAudited(req, raw, bodyType(req.headers['content-type'], false)) : undefined;
      ctx.dryRun = wq.dryRun || bodyDryRun(body);
      const predicate = api.predicate(rt, lq.labelSelector, lq.fieldSelector);
      const items = await engine.deleteCollection(ctx, { predicate }, parseDeleteOptions(query, body));
      return reply(200, encodeJsonText(listJson(rt, { items }, { resourceVersion: '' }), o), ctx);
    }
  }
  throw methodNotAllowed();
}

async function handleSubresource(
  api: ApiContext,
  rt: ResourceType,
  info: ResourceRequest,
  req: IncomingMessage,
  query: URLSearchParams,
  ctx: RequestContext,
  pretty: boolean,
): Promise<Reply> {
  const sub = rt.subresources?.find((s) => s.name === info.subresource);
  if (!sub || info.rest.length) throw NOT_FOUND();
  const verb = info.verb === 'list' || info.verb === 'watch' ? 'get' : info.verb;
  if (!sub.verbs.includes(verb as Verb)) throw methodNotAllowed();
  const o = negotiateOutput(req.headers.accept, { supportsAs: false, pretty });
  const wq = parseWriteQuery(query);
  Object.assign(ctx, { dryRun: wq.dryRun, fieldManager: wq.fieldManager, fieldValidation: wq.fieldValidation });
  const engine = api.engine(rt);
  const custom = api.subresource?.(rt, sub.name);
  if (custom) {
    if (verb === 'get' && custom.get) return reply(200, encode(await custom.get(ctx, info.name), o), ctx);
    if (verb === 'update' && custom.update) {
      const r = await custom.update(ctx, info.name, subresourceBody(rt, sub, custom, await readObject(req, ctx)));
      return reply(r.created ? 201 : 200, encode(r.object, o), ctx);
    }
    if (verb === 'patch' && custom.get && custom.update) {
      const type = bodyType(req.headers['content-type'], true);
      const patch = decodeAudited(req, await readBody(req), type);
      // As upstream's patch (its update loop re-reads on a conflict): a write made between our
      // read and our update is not the client's conflict, so the patch is applied again to a
      // fresh read, unless the patch itself names the resourceVersion it expects. Each round
      // one of the racing writers wins, so the bound is never reached by honest contention.
      for (let attempt = 1; ; attempt++) {
        const live = await custom.get(ctx, info.name);
        const next = api.patch(rt, type, live, patch, ctx, wq.force, sub.name);
        try {
          const r = await custom.update(ctx, info.name, next);
          return reply(200, encode(r.object, o), ctx);
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 409) || attempt >= MAX_PATCH_CONFLICT_RETRIES || patchPinsResourceVersion(patch)) throw e;
        }
      }
    }
    if (verb === 'create' && custom.create) {
      const r = await custom.create(ctx, info.name, subresourceBody(rt, sub, custom, await readObject(req, ctx)));
      return reply(r.code, encode(r.object, o), ctx);
    }
    throw methodNotAllowed();
  }
  if (sub.name !== 'status') throw NOT_FOUND();
  switch (verb) {
    case 'get':
      return reply(200, encode(await engine.get(ctx, info.name), o), ctx);
    case 'update': {
      const body = await readObject(req, ctx);
      const r = await engine.updateWith(ctx, info.name, () => engine.checkBody(ctx, body, info.name), 'status', false);
      return reply(200, encodeObject(r.object, o), ctx);
    }
    case 'patch': {
      const type = bodyType(req.headers['content-type'], true);
      const patch = decodeAudited(req, await readBody(req), type);
      const r = await engine.updateWith(ctx, info.name, (live) => {
        if (!live) throw NOT_FOUND();
        return api.patch(rt, type, live, patch, ctx, wq.force, 'status');
      }, 'status', false, { copyOnWrite: true });
      return reply(200, encodeObject(r.object, o), ctx);
    }
  }
  throw methodNotAllowed();
}

const MAX_PATCH_CONFLICT_RETRIES = 32;

/** Whether a patch (JSON patch ops, or a merge/apply body) sets metadata.resourceVersion. */
function patchPinsResourceVersion(patch: unknown): boolean {
  if (Array.isArray(patch)) return patch.some((op) => (op as { path?: unknown })?.path === '/metadata/resourceVersion');
  const rv = (patch as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
  return rv !== undefined && rv !== null && rv !== '';
}

/** A subresource's body, its kind and apiVersion defaulted from (and checked against) the subresource's. */
function subresourceBody(rt: ResourceType, sub: Subresource, handler: SubresourceHandler, body: unknown): KubeObject {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body of the request was not a JSON object');
  const obj = body as KubeObject;
  const want = { group: sub.group ?? rt.group, version: sub.version ?? rt.version, kind: sub.kind };
  defaultTypeMeta(obj, want, { accepts: handler.accepts, custom: !isBuiltinResource(rt.group, rt.version, rt.plural) });
  return obj;
}

/** A decoded body, also kept as the audit event's requestObject. */
function decodeAudited(req: IncomingMessage, raw: Buffer, type: BodyType): unknown {
  const body = decodeBody(raw, type);
  auditOf(req)?.setRequestObject(body);
  return body;
}

async function readObject(req: IncomingMessage, ctx: RequestContext): Promise<unknown> {
  const type = bodyType(req.headers['content-type'], false);
  const raw = await readBody(req);
  const body = decodeAudited(req, raw, type);
  if (type === 'json' && ctx.fieldValidation !== 'Ignore') {
    const dups = duplicateJsonFields(raw.toString('utf8'));
    if (dups.length) {
      if (ctx.fieldValidation === 'Strict') {
        throw badRequest(`strict decoding error: ${dups.map((d) => `json: duplicate field "${d}"`).join(', ')}`);
      }
      for (const d of dups) ctx.warnings.push(`duplicate field "${d}"`);
    }
  }
  return body;
}

function tableOpts(query: URLSearchParams) {
  const io = query.get('includeObject');
  const includeObject = io === 'Object' || io === 'None' || io === 'Metadata' ? io : 'Metadata';
  return { includeObject, noHeaders: false } as const;
}

function objectReply(api: ApiContext, rt: ResourceType, obj: KubeObject, o: Output, code: number, ctx: RequestContext, query: URLSearchParams): Reply {
  if (o.as === 'Table') return reply(code, encode(api.toTable(rt, [obj], ctx.now, tableOpts(query)), o), ctx);
  if (o.as === 'PartialObjectMetadata') return reply(code, encode(partialObjectMetadata(obj, o.asVersion ?? 'v1'), o), ctx);
  return reply(code, encodeObject(obj, o), ctx);
}

/** An object as plain JSON, reusing the watch cache's serialization of a write's result. */
function encodeObject(obj: KubeObject, o: Output): Encoded {
  const json = o.format === 'json' && !o.pretty ? writtenJson.get(obj) : undefined;
  return json !== undefined ? { contentType: 'application/json', body: json } : encode(obj, o);
}

function reply(code: number, e: Encoded, ctx: RequestContext): Reply {
  const r: Reply = { code, contentType: e.contentType, body: e.body };
  if (ctx.warnings.length) r.headers = { Warning: warningHeader(ctx.warnings) };
  return r;
}

const warningHeader = (warnings: string[]) => warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');

export function methodNotAllowed(): StatusError {
  return new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

function successStatus(rt: ResourceType, name: string, uid: string | undefined): Record<string, unknown> {
  const details: Record<string, unknown> = { name, kind: rt.plural };
  if (rt.group) details.group = rt.group;
  if (uid) details.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

export { groupVersion };
