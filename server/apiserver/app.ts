// startApiServer: the whole apiserver in one call — storage backend, registry of kinds,
// one engine and watch cache per resource, the koa app on HTTPS, and bootstrap objects.

import https from 'node:https';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { KubeObject, ResourceType } from '../../api/types.ts';
import { groupVersion, splitApiVersion } from '../../api/types.ts';
import { Registry } from '../../api/registry.ts';
import { toTable } from '../../api/meta/table.ts';
import { cacheIndexers } from '../storage/cache-index.ts';
import { Cacher } from '../storage/cacher.ts';
import { ObjectStore } from '../storage/object-store.ts';
import { prefixFor } from '../storage/objects.ts';
import type { Backend } from '../storage/types.ts';
import { openSqliteBackend } from '../storage/sqlite/index.ts';
import { withEncryption } from '../storage/encryption/index.ts';
import { createAuditor, loadAuditPolicy, openAuditLog, type AuditLogOptions } from './audit/index.ts';
import { openAuditWebhook, type AuditWebhookOptions } from './audit/webhook.ts';
import type { Pki } from '../pki/index.ts';
import type { Logger } from '../log.ts';
import { createAuthnConfig, createAuthenticator, createHttpsServerOptions, userFromToken } from './authn.ts';
import { createAuthorization } from './authz/index.ts';
import { reviewHandlers } from './authz/reviews.ts';
import { rbacPolicyHooks } from './authz/escalation.ts';
import type { Lookup } from './sa-token-live.ts';
import { tokenRequestHandler } from './token-request.ts';
import { oidcRoutes } from './oidc-discovery.ts';
import type { UserInfo } from './registry/types.ts';
import type { ApiContext } from './api-context.ts';
import { GenericStore, type EngineHooks } from './registry/store.ts';
import { CachedResourceStore } from './registry/storage-adapter.ts';
import { UncachedResourceStore } from './registry/uncached-store.ts';
import { randomNameGenerator, randomUid } from './registry/meta.ts';
import { systemClock } from '../../client/clock.ts';
import type { Clock } from '../../client/types.ts';
import { LAST_PLUGIN, createAdmissionChain } from './admission/plugins.ts';
import { VALIDATING, mutatingWebhook, validatingWebhook } from './admission/webhook/index.ts';
import type { AuthzCheck } from '../../api/admissionregistration/cel-authz.ts';
import { validatingAdmissionPolicy } from './admission/plugins/validating-admission-policy/index.ts';
import { buildPredicate } from './selectors.ts';
import { createApp } from './http.ts';
import { createRoutes } from './routes.ts';
import { ApiMetrics } from './metrics.ts';
import { bootstrap } from './bootstrap.ts';
import { checkPatchResult, createOpenApiDocs, patchSchemaOf, schemaHooks } from './openapi-wiring.ts';
import { applyRequestPatch, manageFields } from './patch-wiring.ts';
import { subresourceHandlers } from './subresources/index.ts';
import { createBootstrapTokenAuthenticator } from './authn-bootstrap-token.ts';
import { streamingHandlers } from './streaming/pod-connect.ts';
import { upgradeListener } from './streaming/upgrade.ts';
import { StatusError } from '../../api/meta/errors.ts';
import { CrdController } from './apiextensions/controller.ts';
import { serviceAllocation } from './allocation/index.ts';
import { FlowControl } from './flowcontrol/index.ts';
import type { RepairResult } from './allocation/repair.ts';
import { createAggregation } from './aggregation/index.ts';
import type { ClusterReader } from './aggregation/types.ts';
import { resourceMetricsApi } from './resource-metrics/index.ts';
import { kubeletUsage } from './resource-metrics/usage.ts';
import { DEFAULT_EVENT_TTL_MS, startEventExpiry } from './event-ttl.ts';

export interface ApiServerOptions {
  dataDir: string;
  port: number;
  bindAddress: string;
  etcdServers?: string[];
  /** The SQLite file when not on etcd; ':memory:' for a store that ends with the process. Default DATA_DIR/kubets.db. */
  sqlitePath?: string;
  pki: Pki;
  log: Logger;
  tokenAuthFile?: string;
  clock?: Clock;
  /** How often history is compacted (to the revision seen one interval earlier); upstream: 5 min. */
  compactIntervalMs?: number;
  /** An EncryptionConfiguration file: the resources it names are stored encrypted. */
  encryptionProviderConfig?: string;
  /** Audit: a Policy file and a backend or two (a log of JSON lines, a webhook), as upstream. */
  audit?: { policyFile: string; log?: AuditLogOptions; webhook?: Omit<AuditWebhookOptions, 'log'> };
  /** How often the Service address repair loops run; upstream: 3 minutes. */
  allocationRepairIntervalMs?: number;
  /** API Priority and Fairness: the seats all priority levels share (upstream: 400 + 200 in flight). */
  maxRequestsInFlight?: number;
  /** How long an Event is kept after its last write (upstream's --event-ttl: 1 h). */
  eventTtlMs?: number;
}

export interface ApiServer {
  url: string;
  port: number;
  backend: Backend;
  registry: Registry;
  /** One pass of the Service address repair loops (they also run by themselves). */
  repairServiceAddresses(): Promise<RepairResult>;
  close(): Promise<void>;
}

/** Bytes; above the 3 MiB body limit plus a response to it. */
const SOCKET_HIGH_WATER_MARK = 8 * 1024 * 1024;

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const log = opts.log.child({ component: 'apiserver' });
  const clock = opts.clock ?? systemClock;
  mkdirSync(opts.dataDir, { recursive: true });
  // The etcd client (gRPC) is loaded only when asked for: it is most of a cold start.
  const registry = new Registry();
  const store: Backend = opts.etcdServers?.length
    ? (await import('../storage/etcd/index.ts')).openEtcdBackend({ endpoints: opts.etcdServers })
    : openSqliteBackend({ path: opts.sqlitePath ?? join(opts.dataDir, 'kubets.db') });
  // Encryption at rest sits between the store and everything else: above it all is plaintext.
  const encryption = opts.encryptionProviderConfig
    ? withEncryption(store, opts.encryptionProviderConfig, () =>
        registry.all().map((rt) => ({ prefix: storagePrefix(rt), group: rt.storage?.group ?? rt.group, resource: rt.storage?.resource ?? rt.plural })),
      )
    : undefined;
  const backend = encryption?.backend ?? store;

  // metrics.k8s.io, served here from the kubelets' stats (resource-metrics/).
  const cached = async (group: string, plural: string, ns: string) => {
    const store = engineFor(registryByPlural(registry, group, plural));
    return (await store.store.list(store.listPrefix(ns), { resourceVersion: '0' })).items;
  };
  const metricsApi = resourceMetricsApi({
    usage: kubeletUsage(() => ({ ca: opts.pki.caCert, cert: opts.pki.adminCert, key: opts.pki.adminKey }), Date.now, (node, e) => log.debug('no resource metrics from the node', { node, err: String(e) })),
    listNodes: () => cached('', 'nodes', ''),
    listPods: (ns) => cached('', 'pods', ns),
  });
  for (const rt of metricsApi.resources) registry.register(rt);

  // One watch cache per storage prefix (autoscaling/v1 and v2 share one), one engine per kind.
  const cachers = new Map<string, Cacher>();
  // Keyed by the registry entry: a CRD's new version of an entry gets a new engine.
  const engines = new WeakMap<ResourceType, GenericStore>();
  const schema = schemaHooks();
  // As upstream's informer-backed plugins: the cache first, a live read only when the cache
  // has not seen it (an object created a moment ago).
  const getObject = async (group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined> => {
    const store = engineFor(registryByPlural(registry, group, resource));
    const key = store.key(namespace, name);
    for (const resourceVersion of ['0', undefined]) {
      try {
        return await store.store.get(key, { resourceVersion });
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    return undefined;
  };
  const listObjects = async (group: string, resource: string, namespace: string): Promise<KubeObject[]> => {
    const store = engineFor(registryByPlural(registry, group, resource));
    return (await store.store.list(store.listPrefix(namespace), { resourceVersion: '0' })).items;
  };
  // Every write reads the webhook configurations and admission policies (four lists); while
  // their watch cache has applied nothing new and holds no pending write of this process, the
  // list it gave last time is still the list it would give.
  const lastLists = new WeakMap<Cacher, { revision: number; items: KubeObject[] }>();
  const listConfigurations = async (resource: string): Promise<KubeObject[]> => {
    const store = engineFor(registryByPlural(registry, 'admissionregistration.k8s.io', resource));
    const cacher = cachers.get(store.listPrefix(''));
    const last = cacher && lastLists.get(cacher);
    if (cacher && last && cacher.revision === last.revision && cacher.store.lastWrite <= last.revision) return last.items.slice();
    const list = await store.store.list(store.listPrefix(''), { resourceVersion: '0' });
    if (cacher) lastLists.set(cacher, { revision: Number(list.resourceVersion), items: list.items });
    return list.items.slice();
  };
  const reader: ClusterReader = { get: getObject, list: listObjects };
  const updateObject = (group: string, resource: string, namespace: string, name: string, change: (current: KubeObject) => KubeObject | Promise<KubeObject>) => {
    const store = engineFor(registryByPlural(registry, group, resource));
    return store.store.guaranteedUpdate(store.key(namespace, name), (current) => change(structuredClone(current!)));
  };
  const admission = createAdmissionChain({ getObject, listObjects, updateObject });
  const hooks: EngineHooks = {
    validateMeta: schema.validateMeta,
    validateSchema: schema.validateSchema,
    admission,
    manageFields: (rt, old, obj, ctx, sub) => manageFields(old, obj, ctx, sub, patchSchemaOf(rt)),
  };
  // Service cluster IPs and node ports are reserved through storage, so that several
  // apiservers on one etcd never hand out the same one (allocation/).
  const allocation = serviceAllocation({
    backend,
    engine: (group, plural) => engineFor(registryByPlural(registry, group, plural)),
    log,
    now: () => clock.now(),
    repairIntervalMs: opts.allocationRepairIntervalMs,
  });
  // RBAC's policy-based storage (escalation and bind prevention) wraps the four RBAC kinds'
  // stores, as upstream's RBAC storage provider does; it reads the authorizer built below.
  const rbacPolicy = rbacPolicyHooks(() => escalationDeps);
  const storeHooksFor = (rt: ResourceType) => (rt.group === '' && rt.plural === 'services' ? allocation.hooks() : rbacPolicy(rt));
  const deps = { clock, names: randomNameGenerator, uids: randomUid, hooks, storeHooksFor };
  const authz = createAuthorization((group, plural) => engineFor(registryByPlural(registry, group, plural)), log);
  const escalationDeps = {
    authorizer: authz.authorizer,
    rulesFor: (user: UserInfo, ns: string) => authz.rbac.rulesFor(user, ns),
    roleRules: (kind: 'Role' | 'ClusterRole', ns: string, name: string) => authz.rbac.roleRulesOf(kind, ns, name),
  };
  // The CEL authorizer of admission expressions (policies, webhook matchConditions): the
  // server's authorizer chain, for the requesting user.
  const celAuthorize: AuthzCheck = (r) => {
    const d = authz.authorizer.authorize(r.resource
      ? { isResourceRequest: true, user: r.user, verb: r.verb, apiGroup: r.resource.group, resource: r.resource.resource, subresource: r.resource.subresource, namespace: r.resource.namespace, name: r.resource.name }
      : { isResourceRequest: false, user: r.user, verb: r.verb, path: r.path ?? '' });
    return { allowed: d.decision === 'allow', reason: d.reason };
  };
  // The webhooks join just before ResourceQuota (upstream's AllOrderedPlugins): the mutating
  // one after the built-in mutating halves, the validating one after the built-in validating ones. Configurations
  // are read per request from the watch cache (a list at resourceVersion 0).
  const webhookDeps = {
    getObject,
    listObjects,
    authorize: celAuthorize,
    resourceTypes: () => registry.all(),
    listConfigurations,
  };
  admission.add(mutatingWebhook(webhookDeps), LAST_PLUGIN);
  admission.add(validatingWebhook(webhookDeps), LAST_PLUGIN);
  // ValidatingAdmissionPolicy runs just before the validating webhooks, as upstream orders them;
  // policies and bindings are read per request from the watch cache, as the webhooks' are.
  admission.add(validatingAdmissionPolicy({
    getObject,
    listObjects,
    listPolicies: () => listConfigurations('validatingadmissionpolicies'),
    listBindings: () => listConfigurations('validatingadmissionpolicybindings'),
    resourceTypes: () => registry.all(),
    authorize: celAuthorize,
    resourceOfKind: (apiVersion, kind) => {
      const { group, version } = splitApiVersion(apiVersion);
      const rt = registry.byKind(group, version, kind);
      return rt && { group: rt.group, plural: rt.plural, namespaced: rt.namespaced };
    },
  }), VALIDATING);

  function engineFor(rt: ResourceType): GenericStore {
    let e = engines.get(rt);
    if (e) return e;
    const local = metricsApi.storeFor(rt);
    if (local) {
      e = new GenericStore(rt, local, deps);
      engines.set(rt, e);
      return e;
    }
    const probe = new GenericStore(rt, undefined as never, deps);
    const prefix = probe.listPrefix('');
    if (rt.watchCache === false) {
      const objects = new ObjectStore({ group: rt.group, resource: rt.plural }, backend);
      e = new GenericStore(rt, new UncachedResourceStore(objects, { kind: rt.kind, apiVersion: groupVersion(rt) }), deps);
      engines.set(rt, e);
      return e;
    }
    let cacher = cachers.get(prefix);
    if (!cacher) {
      cacher = new Cacher({
        resource: { group: rt.group, resource: rt.plural },
        backend,
        kind: rt.kind,
        apiVersion: groupVersion(rt),
        prefix,
        indexers: cacheIndexers(rt),
      });
      cachers.set(prefix, cacher);
    }
    e = new GenericStore(rt, new CachedResourceStore(cacher), deps);
    engines.set(rt, e);
    return e;
  }

  // The registry changes at run time (CRDs): discovery is rebuilt, OpenAPI documents follow
  // the served list, and the watch cache of a storage prefix nothing serves any more closes.
  registry.onChange(() => {
    routes.invalidate();
    encryption?.invalidate();
    const live = new Set(registry.all().map(storagePrefix));
    for (const [prefix, c] of cachers) {
      if (!live.has(prefix)) {
        c.close();
        cachers.delete(prefix);
      }
    }
  });
  const aggregation = createAggregation({
    registry,
    engine: (group, plural) => engineFor(registryByPlural(registry, group, plural)),
    reader,
    pki: opts.pki,
    clock,
    log,
    onChange: () => routes.invalidate(),
  });
  const openapi = aggregation.openapi(createOpenApiDocs(() => registry.all()));
  const metrics = new ApiMetrics();
  const api: ApiContext = {
    lookup: (g, v, p) => registry.get(g, v, p),
    engine: engineFor,
    toTable: (rt, objects, now, o) => toTable(rt, objects, now, o) as unknown as Record<string, unknown>,
    patch: (rt, type, live, patch, ctx, force, subresource) => {
      const patched = applyRequestPatch(rt, type, live, patch, ctx, force, patchSchemaOf(rt), subresource);
      // Scale and other views are not the kind's own type.
      if (!subresource || subresource === 'status') checkPatchResult(rt, type, patch, patched);
      return patched;
    },
    predicate: buildPredicate,
    watchTimeoutSeconds: () => 1800 + Math.floor(Math.random() * 1800),
    watcherTerminated: (rt, bufferedBytes) => {
      metrics.terminatedWatchers.inc({ group: rt.group, resource: rt.plural });
      log.warn('forcing watcher close due to unresponsiveness', { resource: rt.group ? `${rt.plural}.${rt.group}` : rt.plural, bufferedBytes });
    },
  };
  api.subresource = subresourceHandlers(engineFor, (group, plural) => engineFor(registryByPlural(registry, group, plural)));
  // Logs, exec, attach, port-forward and node proxy reach the kubelet with the admin client certificate (system:masters).
  const streaming = streamingHandlers(() => ({ pods: engineFor(registryByPlural(registry, '', 'pods')), nodes: engineFor(registryByPlural(registry, '', 'nodes')), tls: { ca: opts.pki.caCert, cert: opts.pki.adminCert, key: opts.pki.adminKey } }));
  const builtin = api.subresource;
  api.subresource = (rt, sub) => builtin(rt, sub) ?? streaming(rt.group, rt.plural, sub);

  let ready = false;
  const serverAddress = `${opts.bindAddress === '0.0.0.0' ? '127.0.0.1' : opts.bindAddress}:${opts.port}`;
  const routes = createRoutes({
    resources: () => registry.all(),
    preferredVersion: (g) => registry.preferredVersion(g),
    serverAddress,
    metrics,
    checks: [{ name: backend.name, check: async () => void (await backend.currentRevision()) }],
    openapi,
    remoteGroups: () => aggregation.remoteGroups(),
    ready: () => ready,
  });
  // Objects service-account tokens depend on, read from the watch cache (a live read when
  // the cache has not seen them yet, as for a Pod created a moment ago).
  const lookup: Lookup = async (group, plural, namespace, name) => {
    const engine = engineFor(registryByPlural(registry, group, plural));
    const ctx = { user: { username: 'system:apiserver', groups: [] }, namespace, now: clock.now(), dryRun: false, fieldValidation: 'Ignore' as const, warnings: [] };
    for (const rv of ['0', undefined]) {
      try {
        return await engine.get(ctx, name, rv);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    return undefined;
  };
  const authnConfig = { ...createAuthnConfig({ pki: opts.pki, tokenAuthFile: opts.tokenAuthFile, bootstrapToken: bootstrapTokens(engineFor(registry.get('', 'v1', 'secrets')!), cachers, clock, log) }), lookup };
  const baseSubresource = api.subresource;
  const tokenRequests = tokenRequestHandler({ lookup, signingKey: opts.pki.serviceAccountKey, issuer: authnConfig.serviceAccountIssuers[0], apiAudiences: authnConfig.apiAudiences });
  api.subresource = (rt, sub) => (sub === 'token' && rt.group === '' && rt.plural === 'serviceaccounts' ? tokenRequests : baseSubresource?.(rt, sub));
  api.review = reviewHandlers({
    authorizer: authz.authorizer,
    rulesFor: (user, ns) => authz.rbac.rulesFor(user, ns),
    reviewToken: async (token, audiences) => {
      const apiAudiences = audiences.length ? audiences : authnConfig.apiAudiences;
      const user = await userFromToken(token, { ...authnConfig, apiAudiences });
      return user && { user, audiences: apiAudiences };
    },
  });
  // The policy is read before the log opens: a policy with mistakes stops the start.
  const auditPolicy = opts.audit && loadAuditPolicy(opts.audit.policyFile);
  const auditSinks = [
    ...(opts.audit?.log ? [openAuditLog(opts.audit.log)] : []),
    ...(opts.audit?.webhook ? [openAuditWebhook({ ...opts.audit.webhook, log })] : []),
  ];
  const flowControl = new FlowControl({
    list: async (plural) => {
      const e = engineFor(registryByPlural(registry, 'flowcontrol.apiserver.k8s.io', plural));
      return (await e.store.list(e.listPrefix(''), { resourceVersion: '0' })).items;
    },
    create: async (plural, obj) => {
      const e = engineFor(registryByPlural(registry, 'flowcontrol.apiserver.k8s.io', plural));
      const ctx = { user: { username: 'system:apiserver', groups: ['system:masters'] }, namespace: '', now: clock.now(), dryRun: false, fieldValidation: 'Ignore' as const, warnings: [] };
      await e.create(ctx, obj).catch((err: unknown) => {
        if (!(err instanceof StatusError && err.code === 409)) throw err;
      });
    },
    setCondition: async (name, condition) => {
      const e = engineFor(registryByPlural(registry, 'flowcontrol.apiserver.k8s.io', 'flowschemas'));
      const ctx = { user: { username: 'system:apiserver', groups: ['system:masters'] }, namespace: '', now: clock.now(), dryRun: false, fieldManager: 'api-priority-and-fairness-config-consumer-v1', fieldValidation: 'Ignore' as const, warnings: [] };
      await e
        .updateWith(ctx, name, (cur) => {
          if (!cur) throw new StatusError(404, 'NotFound', `flowschemas.flowcontrol.apiserver.k8s.io "${name}" not found`);
          const others = ((cur.status as { conditions?: { type?: string }[] } | undefined)?.conditions ?? []).filter((c) => c.type !== condition.type);
          return { ...cur, status: { ...(cur.status as object), conditions: [...others, condition] } };
        }, 'status', false)
        .catch((err: unknown) => {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        });
    },
    now: () => clock.now(),
    log,
    objectCount: (group, resource) => cachers.get(prefixFor({ group, resource }))?.objectCount,
    serverConcurrencyLimit: opts.maxRequestsInFlight,
  });
  const app = createApp({
    flowControl,
    audit: auditPolicy && auditSinks.length ? createAuditor(auditPolicy, { write: (ev) => auditSinks.forEach((sink) => sink.write(ev)) }, () => clock.now()) : undefined,
    api,
    routes: await oidcRoutes(authnConfig.serviceAccountIssuers[0], opts.pki.serviceAccountPublicKey, routes),
    authenticate: createAuthenticator(authnConfig),
    authorize: (a) => authz.authorizer.authorize(a),
    metrics,
    log,
    now: () => clock.now(),
    aggregation: aggregation.handler,
  });

  const server = https.createServer(createHttpsServerOptions(opts.pki), app.callback());
  // Node's HTTP server pauses a keep-alive socket while its unflushed responses exceed the
  // socket's high-water mark (16 KiB), and a TLS socket can still hand the next request's body
  // to the paused parser, which fails ("Parse Error: Paused") and drops the connection: Helm's
  // ~30 KB release PUTs were lost that way, a few in every forty. The TLS socket takes no
  // high-water mark option (the server's applies to the TCP socket under it), so it is raised
  // here, above any body plus its response.
  server.on('secureConnection', (s: Socket) => {
    const w = (s as unknown as { _writableState?: { highWaterMark: number } })._writableState;
    if (w) w.highWaterMark = SOCKET_HIGH_WATER_MARK;
  });
  server.on('upgrade', upgradeListener(app.callback()));
  // Longer than Go's idle-connection timeout (90 s): the client, not the server, closes an
  // idle connection, so a request a client (Helm, kubectl) sends on it never meets an EOF.
  server.keepAliveTimeout = 120_000;
  const sockets = new Set<Socket>();
  // The TLS sockets, and every TCP connection under them, also those still in the handshake:
  // close() must not wait for one a client opened a moment before.
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  server.on('connection', track);
  server.on('secureConnection', track);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bindAddress, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.bindAddress === '0.0.0.0' ? '127.0.0.1' : opts.bindAddress;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // Kinds whose store hooks keep state (Service addresses) rebuild it from what is stored.
  for (const rt of registry.all()) {
    if (rt.hooks) {
      await engineFor(rt).init({ user: { username: 'system:apiserver', groups: [] }, namespace: '', now: clock.now(), dryRun: false, fieldValidation: 'Ignore', warnings: [] });
    }
  }
  await allocation.start();
  await flowControl.start();
  await bootstrap({
    engine: (group, plural) => engineFor(registryByPlural(registry, group, plural)),
    advertiseAddress: host === 'localhost' ? '127.0.0.1' : host,
    port,
    now: () => clock.now(),
  });
  await authz.start();
  const crds = new CrdController({ registry, engineFor, clock, log, reader });
  await crds.start();
  await aggregation.start();
  ready = true;
  log.info('apiserver ready', { url, store: backend.name });

  // Compaction keeps one interval of history, as upstream's apiserver does: each tick
  // compacts to the revision the previous tick saw.
  let lastSeen = 0;
  const compactor = setInterval(() => {
    void (async () => {
      const current = await backend.currentRevision();
      if (lastSeen > 0 && lastSeen > (await backend.compactedRevision())) await backend.compact(lastSeen);
      lastSeen = current;
    })().catch((e) => log.warn('compaction failed', { err: e as Error }));
  }, opts.compactIntervalMs ?? 5 * 60_000);
  compactor.unref();
  const eventExpiry = startEventExpiry({ backend, ttlMs: opts.eventTtlMs ?? DEFAULT_EVENT_TTL_MS, now: () => clock.now().getTime(), log });

  return {
    url,
    port,
    backend,
    registry,
    repairServiceAddresses: () => allocation.repair.runOnce(),
    async close() {
      ready = false;
      crds.stop();
      allocation.stop();
      flowControl.stop();
      aggregation.stop();
      clearInterval(compactor);
      eventExpiry.stop();
      authz.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      for (const c of cachers.values()) c.close();
      await backend.close();
      await Promise.all(auditSinks.map((sink) => sink.close()));
    },
  };
}

/** Bootstrap tokens checked against the Secrets watch cache (started now, so it is warm). */
function bootstrapTokens(secrets: GenericStore, cachers: Map<string, Cacher>, clock: Clock, log: Logger) {
  const cache = cachers.get(secrets.listPrefix(''));
  void cache?.start().catch(() => undefined);
  return createBootstrapTokenAuthenticator({
    secret: (name) => cache?.peek(secrets.key('kube-system', name))?.object,
    now: () => clock.now(),
    onRejected: (tokenId, reason) => log.info('bootstrap token refused', { tokenId, reason }),
  });
}

function storagePrefix(rt: ResourceType): string {
  const g = rt.storage?.group ?? rt.group;
  return `/registry/${g ? `${g}/` : ''}${rt.storage?.resource ?? rt.plural}/`;
}

function registryByPlural(registry: Registry, group: string, plural: string): ResourceType {
  const v = registry.preferredVersion(group);
  const rt = v ? registry.get(group, v, plural) : undefined;
  if (!rt) throw new Error(`no resource ${plural} in group "${group}"`);
  return rt;
}

export type { KubeObject };
