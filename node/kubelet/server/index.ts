// The kubelet's HTTPS server (upstream's port 10250): /healthz, /pods, /stats/summary,
// /metrics/resource (the same numbers as Prometheus text),
// /containerLogs/{ns}/{pod}/{container}, and the upgraded /exec, /attach and /portForward
// the apiserver proxies to. Its certificate comes from the kubelet-serving signer. Clients
// present a certificate the cluster CA signed or a bearer token, and the apiserver decides
// what they may do (TokenReview, SubjectAccessReview on nodes/proxy, nodes/stats...: auth.ts),
// as upstream's kubelet with webhook authentication and authorization.

import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Log } from '../../../client/types.ts';
import type { RestConfig } from '../../../client/rest.ts';
import type { CriClient } from '../../cri/client.ts';
import { ensureServingCertificate } from '../../bootstrap/index.ts';
import type { Kubelet } from '../kubelet.ts';
import { containerInstances, podSandboxes, readySandbox, runningContainer } from './containers.ts';
import { streamLog, type LogOptions } from './logs.ts';
import { RateTracker, resourceMetrics, summary } from './stats.ts';
import { proxyToRuntime, replyOnSocket } from './stream.ts';
import { AuthError, createKubeletAuthorizer, type KubeletAuthBackend } from './auth.ts';

export const DEFAULT_PORT = 10250;

export interface KubeletServerOptions {
  cri: CriClient;
  nodeName: string;
  dataDir: string;
  log: Log;
  kubelet(): Kubelet | undefined;
  /** The cluster CA: verifies clients. */
  caPem: string;
  /** Who may ask what: the apiserver's TokenReview and SubjectAccessReview (auth.ts). */
  auth: KubeletAuthBackend;
  /** The node's credentials, to ask for the serving certificate (unless `serving` is given). */
  config?: RestConfig;
  serving?: { cert: string; key: string };
  /** Names and addresses for the serving certificate. */
  addresses: string[];
  port?: number;
  bindAddress?: string;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

const asHttpError = (e: unknown) => (e instanceof HttpError ? e : e instanceof AuthError ? new HttpError(e.code, e.message) : new HttpError(500, (e as Error).message));

function bool(q: URLSearchParams, k: string): boolean {
  return ['1', 'true', 'True', 'TRUE', 't', 'T'].includes(q.get(k) ?? '');
}

export function logOptions(q: URLSearchParams): LogOptions {
  const n = (k: string) => (q.get(k) !== null && q.get(k) !== '' ? Number(q.get(k)) : undefined);
  const sinceSeconds = n('sinceSeconds');
  const sinceTime = q.get('sinceTime');
  return {
    follow: bool(q, 'follow'),
    timestamps: bool(q, 'timestamps'),
    tailLines: n('tailLines'),
    limitBytes: n('limitBytes'),
    since: sinceTime ? new Date(sinceTime) : sinceSeconds !== undefined ? new Date(Date.now() - sinceSeconds * 1000) : undefined,
  };
}

function podOf(o: KubeletServerOptions, ns: string, name: string) {
  for (const w of o.kubelet()?.workers.values() ?? []) if (w.pod.metadata?.namespace === ns && w.pod.metadata?.name === name) return w.pod;
  return undefined;
}

function waitingReason(o: KubeletServerOptions, ns: string, pod: string, container: string): string {
  const p = podOf(o, ns, pod);
  type Status = { name?: string; state?: { waiting?: { reason?: string } } };
  const st = (p?.status ?? {}) as { initContainerStatuses?: Status[]; containerStatuses?: Status[] };
  const all = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])];
  return all.find((s) => s.name === container)?.state?.waiting?.reason ?? 'ContainerCreating';
}

async function containerLogs(o: KubeletServerOptions, req: IncomingMessage, res: ServerResponse, [ns, pod, container]: string[], q: URLSearchParams): Promise<void> {
  const rt = o.cri.runtime;
  const instances = await containerInstances(rt, ns, pod, container);
  const previous = bool(q, 'previous');
  if (!instances.length && !podOf(o, ns, pod) && !(await podSandboxes(rt, ns, pod)).length) throw new HttpError(404, `pod "${pod}" does not exist`);
  const target = previous ? instances[1] : instances[0];
  if (!target) {
    if (previous) throw new HttpError(400, `previous terminated container "${container}" in pod "${pod}" not found`);
    throw new HttpError(400, `container "${container}" in pod "${pod}" is waiting to start: ${waitingReason(o, ns, pod, container)}`);
  }
  if (!previous && target.state === 'CONTAINER_CREATED') throw new HttpError(400, `container "${container}" in pod "${pod}" is waiting to start: ${waitingReason(o, ns, pod, container)}`);
  const status = await rt.containerStatus(target.id);
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.flushHeaders();
  let closed = false;
  req.on('close', () => (closed = true));
  const running = async () => (await rt.containerStatus(target.id).catch(() => undefined))?.state === 'CONTAINER_RUNNING';
  const opts = logOptions(q);
  if (previous) opts.follow = false;
  await streamLog(status.logPath, opts, { write: (c) => res.write(c), closed: () => closed || res.destroyed }, running);
  res.end();
}

async function route(o: KubeletServerOptions, rates: RateTracker, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://kubelet');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const json = (v: unknown) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(v));
  };
  if (url.pathname === '/healthz') return void res.end('ok');
  if (url.pathname === '/pods') return json({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [...(o.kubelet()?.workers.values() ?? [])].map((w) => w.pod) });
  const stats = () => summary({ nodeName: o.nodeName, startTime, runtime: o.cri.runtime, rates, now: () => new Date() });
  if (url.pathname === '/stats/summary') return json(await stats());
  if (url.pathname === '/metrics/resource') {
    const text = resourceMetrics(await stats());
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    return void res.end(text);
  }
  if (parts[0] === 'containerLogs' && parts.length === 4) return containerLogs(o, req, res, parts.slice(1), url.searchParams);
  if (['exec', 'attach', 'portForward'].includes(parts[0])) throw new HttpError(400, 'Upgrade request required');
  throw new HttpError(404, '404 page not found');
}

const startTime = new Date();

async function upgrade(o: KubeletServerOptions, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://kubelet');
  const [kind, ns, pod, container] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const q = url.searchParams;
  const rt = o.cri.runtime;
  let target: string;
  if ((kind === 'exec' || kind === 'attach') && container) {
    const c = await runningContainer(rt, ns, pod, container);
    if (!c) throw new HttpError(500, `container not found ("${container}")`);
    const streams = { stdin: bool(q, 'stdin'), stdout: bool(q, 'stdout'), stderr: bool(q, 'stderr'), tty: bool(q, 'tty') };
    target = kind === 'exec' ? await rt.exec({ containerId: c.id, cmd: q.getAll('command'), ...streams }) : await rt.attach({ containerId: c.id, ...streams });
  } else if (kind === 'portForward' && pod) {
    const s = await readySandbox(rt, ns, pod);
    if (!s) throw new HttpError(500, `pod not found ("${pod}_${ns}")`);
    const ports = q.getAll('port').map(Number).filter((p) => p > 0);
    const u = new URL(await rt.portForward(s.id, ports));
    for (const p of ports) u.searchParams.append('port', String(p));
    target = u.toString();
  } else throw new HttpError(404, '404 page not found');
  proxyToRuntime(req, socket, head, target);
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const serving = o.serving ?? (await ensureServingCertificate(o.config!, o.nodeName, o.addresses, o.dataDir));
  const stats = new RateTracker();
  // A first sample now, so that the first /stats/summary already has the node's CPU rate.
  void summary({ nodeName: o.nodeName, startTime, runtime: o.cri.runtime, rates: stats, now: () => new Date() }).catch(() => undefined);
  const authorizer = createKubeletAuthorizer(o.auth);
  const server = https.createServer({ cert: serving.cert, key: serving.key, ca: o.caPem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, (req, res) => {
    const work = authorizer.check(req, o.nodeName).then(() => route(o, stats, req, res));
    work.catch((e: unknown) => {
      const err = asHttpError(e);
      if (err.code >= 500) o.log.warn('kubelet server request failed', { path: req.url, err: err.message });
      if (res.headersSent) return void res.destroy();
      res.writeHead(err.code, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${err.message}\n`);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    authorizer.check(req, o.nodeName).then(() => upgrade(o, req, socket, head)).catch((e: unknown) => {
      const err = asHttpError(e);
      replyOnSocket(socket, err.code, err.message);
    });
  });
  const sockets = new Set<Duplex>();
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? DEFAULT_PORT, o.bindAddress ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  o.log.info('kubelet server listening', { port, servingCertificate: o.serving ? 'given' : 'from the kubelet-serving signer' });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
