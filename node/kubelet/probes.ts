// Probes as the kubelet runs them: exec (in the container, through the runtime), httpGet
// (2xx and 3xx succeed), tcpSocket (a connection opens) and grpc (grpc.health.v1 answers
// SERVING), each within timeoutSeconds; failure messages in upstream's words. `ProbeTimer`
// keeps one probe's schedule: initialDelaySeconds, then every periodSeconds, and turns raw
// results into a verdict after successThreshold / failureThreshold in a row.

import { connect } from 'node:net';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import * as grpc from '@grpc/grpc-js';
import type { Container, IntOrString, Probe } from '../../api/core/pod/types.ts';
import type { RuntimeService } from '../cri/types.ts';

export interface ProbeResult {
  ok: boolean;
  message: string;
}

export interface ProbeTarget {
  runtime: RuntimeService;
  containerId: string;
  container: Container;
  podIP: string;
}

function port(p: IntOrString | undefined, c: Container): number {
  if (typeof p === 'number') return p;
  if (p && /^\d+$/.test(p)) return Number(p);
  const named = c.ports?.find((x) => x.name === p)?.containerPort;
  return named ?? 0;
}

function tcp(host: string, p: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const s = connect({ host, port: p, timeout: timeoutMs });
    s.once('connect', () => {
      s.destroy();
      resolve({ ok: true, message: '' });
    });
    s.once('timeout', () => {
      s.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${p}: i/o timeout` });
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, message: `dial tcp ${host}:${p}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}` }));
  });
}

function http(probe: NonNullable<Probe['httpGet']>, host: string, p: number, timeoutMs: number): Promise<ProbeResult> {
  const scheme = (probe.scheme ?? 'HTTP').toLowerCase();
  const path = probe.path ?? '/';
  const url = `${scheme}://${host}:${p}${path.startsWith('/') ? path : `/${path}`}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.34', Accept: '*/*' };
  for (const h of (probe.httpHeaders ?? []) as { name: string; value: string }[]) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const req = (scheme === 'https' ? httpsRequest : request)(url, { method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true, message: '' } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.once('timeout', () => {
      req.destroy();
      resolve({ ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, message: `Get "${url}": dial tcp ${host}:${p}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}` }));
    req.end();
  });
}

function grpcHealth(host: string, p: number, service: string, timeoutMs: number): Promise<ProbeResult> {
  // grpc.health.v1.Health/Check by hand: request {service = 1}, response {status = 1}; SERVING is 1.
  const target = `${host}:${p}`;
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  const encode = (s: string) => {
    const b = Buffer.from(s);
    return b.length ? Buffer.concat([Buffer.from([0x0a, b.length]), b]) : Buffer.alloc(0);
  };
  return new Promise((resolve) => {
    client.makeUnaryRequest('/grpc.health.v1.Health/Check', encode, (b: Buffer) => b, service, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
      client.close();
      if (err) {
        resolve({ ok: false, message: err.code === grpc.status.DEADLINE_EXCEEDED || err.code === grpc.status.UNAVAILABLE ? `timeout: failed to connect service "${target}" within ${timeoutMs / 1000}s` : `error: health rpc failed: ${err.details}` });
        return;
      }
      const status = res && res.length >= 2 && res[0] === 0x08 ? res[1] : 0;
      const names = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
      resolve(status === 1 ? { ok: true, message: '' } : { ok: false, message: `service unhealthy (responded with "${names[status] ?? status}")` });
    });
  });
}

export async function runProbe(probe: Probe, t: ProbeTarget): Promise<ProbeResult> {
  const timeoutS = probe.timeoutSeconds ?? 1;
  if (probe.exec) {
    try {
      const r = await t.runtime.execSync(t.containerId, probe.exec.command ?? [], timeoutS);
      const out = `${r.stdout.toString('utf8')}${r.stderr.toString('utf8')}`.trim();
      return r.exitCode === 0 ? { ok: true, message: out } : { ok: false, message: out || `command ${JSON.stringify((probe.exec.command ?? []).join(' '))} exited with ${r.exitCode}` };
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  }
  if (probe.httpGet) return http(probe.httpGet, probe.httpGet.host || t.podIP, port(probe.httpGet.port, t.container), timeoutS * 1000);
  if (probe.tcpSocket) return tcp(probe.tcpSocket.host || t.podIP, port(probe.tcpSocket.port, t.container), timeoutS * 1000);
  if (probe.grpc) return grpcHealth(t.podIP, probe.grpc.port ?? 0, probe.grpc.service ?? '', timeoutS * 1000);
  return { ok: true, message: '' };
}

export type ProbeKind = 'Liveness' | 'Readiness' | 'Startup';

/** One probe's schedule and thresholds; `onResult` hears each verdict change and each failure. */
export class ProbeTimer {
  private timer?: NodeJS.Timeout;
  private successes = 0;
  private failures = 0;
  /** The current verdict: undefined until the thresholds decide. */
  verdict?: boolean;
  private stopped = false;

  constructor(
    readonly kind: ProbeKind,
    private readonly probe: Probe,
    private readonly target: ProbeTarget,
    private readonly onResult: (kind: ProbeKind, verdict: boolean | undefined, last: ProbeResult, changed: boolean) => void,
    /** Whether to run at all now (liveness and readiness wait for startup). */
    private readonly gate: () => boolean = () => true,
  ) {
    this.timer = setTimeout(() => void this.tick(), (probe.initialDelaySeconds ?? 0) * 1000);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.gate()) {
      const r = await runProbe(this.probe, this.target);
      if (this.stopped) return;
      const before = this.verdict;
      if (r.ok) {
        this.failures = 0;
        if (++this.successes >= (this.probe.successThreshold ?? 1)) this.verdict = true;
      } else {
        this.successes = 0;
        if (++this.failures >= (this.probe.failureThreshold ?? 3)) this.verdict = false;
      }
      this.onResult(this.kind, this.verdict, r, before !== this.verdict);
      // A failed liveness or startup probe kills the container: its timer stops, a new one comes with the new container.
      if (this.verdict === false && this.kind !== 'Readiness') return;
    }
    this.timer = setTimeout(() => void this.tick(), (this.probe.periodSeconds ?? 10) * 1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
