// The webhook backend (`--audit-webhook-config-file`): events are sent as an audit.k8s.io/v1
// EventList, POSTed to the server a kubeconfig names, with its CA and credentials (client
// certificate or token), as upstream's batch mode sends them: buffered (10,000 at most; more
// are dropped and counted), sent when a batch is full (`--audit-webhook-batch-max-size`, 400)
// or has waited `--audit-webhook-batch-max-wait` (30 s), one batch at a time. A batch that
// fails (no connection, 429 or 5xx) is tried again after `--audit-webhook-initial-backoff`
// (10 s), growing 1.5x, five tries in all; then it is dropped with an error in the log.

import { Agent, request } from 'node:https';
import type { Log } from '../../../client/types.ts';
import { loadKubeconfig } from '../../../client/kubeconfig.ts';
import type { AuditEvent } from './index.ts';
import type { AuditSink } from './log.ts';

export interface AuditWebhookOptions {
  /** A kubeconfig: its cluster's server is the URL events are POSTed to. */
  configFile: string;
  batchMaxSize?: number;
  batchMaxWaitMs?: number;
  bufferSize?: number;
  initialBackoffMs?: number;
  /** Tries of one batch, the first included (upstream: 5). */
  tries?: number;
  log?: Log;
}

export interface AuditWebhook extends AuditSink {
  /** Events dropped: the buffer was full, or their batch failed every try. */
  readonly dropped: number;
}

class RetryableError extends Error {}

export function openAuditWebhook(o: AuditWebhookOptions): AuditWebhook {
  const cfg = loadKubeconfig(o.configFile);
  const url = new URL(cfg.server);
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: cfg.ca, cert: cfg.cert, key: cfg.key, rejectUnauthorized: !cfg.insecureSkipTLSVerify, servername: cfg.tlsServerName });
  const maxSize = o.batchMaxSize ?? 400;
  const maxWait = o.batchMaxWaitMs ?? 30_000;
  const bufferSize = o.bufferSize ?? 10_000;
  const backoff = o.initialBackoffMs ?? 10_000;
  const tries = o.tries ?? 5;
  const buffer: AuditEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();
  let inFlight = false;
  let closing = false;
  let dropped = 0;
  /** Ends a backoff wait early (at close). */
  let wake: (() => void) | undefined;

  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      if (cfg.token) headers.authorization = `Bearer ${cfg.token}`;
      const req = request(url, { method: 'POST', agent, headers, signal: AbortSignal.timeout(30_000) }, (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve();
          else if (code === 429 || code >= 500) reject(new RetryableError(`the audit webhook answered ${code}`));
          else reject(new Error(`the audit webhook answered ${code}`));
        });
      });
      req.on('error', (e) => reject(new RetryableError(e.message)));
      req.end(body);
    });

  async function send(batch: AuditEvent[]): Promise<void> {
    const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: batch });
    let wait = backoff;
    for (let attempt = 1; ; attempt++) {
      try {
        return await post(body);
      } catch (e) {
        if (!(e instanceof RetryableError) || attempt >= tries || closing) {
          dropped += batch.length;
          o.log?.error('audit webhook: events dropped', { count: batch.length, err: e as Error });
          return;
        }
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, wait).unref();
        });
        wake = undefined;
        wait *= 1.5;
      }
    }
  }

  /** Sends the next batch unless one is on its way; what stays waits for it, or for its time. */
  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    if (inFlight || buffer.length === 0) return;
    const batch = buffer.splice(0, maxSize);
    inFlight = true;
    sending = send(batch).finally(() => {
      inFlight = false;
      if (buffer.length >= maxSize || closing) flush();
      else if (buffer.length > 0) timer = setTimeout(flush, maxWait).unref();
    });
  }

  return {
    get dropped() {
      return dropped;
    },
    write(ev) {
      if (closing) return;
      if (buffer.length >= bufferSize) {
        if (dropped++ % 1000 === 0) o.log?.warn('audit webhook: buffer full, events dropped', { buffered: buffer.length });
        return;
      }
      buffer.push(ev);
      if (buffer.length >= maxSize) flush();
      else if (!inFlight) timer ??= setTimeout(flush, maxWait).unref();
    },
    /** Sends what is buffered (one try per batch), then lets go of the connection. */
    async close() {
      closing = true;
      wake?.();
      flush();
      do await sending;
      while (inFlight || buffer.length > 0);
      agent.destroy();
    },
  };
}
