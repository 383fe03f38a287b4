// N watch streams over HTTPS, each on its own connection, counting the events (lines) each
// has received, so a caller can wait until every stream has the next one.

import https from 'node:https';
import type { ClientRequest } from 'node:http';
import type { Pki } from '../../server/pki/index.ts';

export interface WatchStreams {
  /** Resolves when every stream has received one more event than when this was called. */
  next(): Promise<void>;
  close(): void;
  /** How long opening all the streams took. */
  openMs: number;
}

const OPEN_AT_ONCE = 50;

export async function openWatchStreams(pki: Pki, url: string, path: string, n: number): Promise<WatchStreams> {
  const u = new URL(url);
  const agent = new https.Agent({ keepAlive: false, maxSockets: Infinity, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey });
  const seen = new Int32Array(n);
  const reqs: ClientRequest[] = [];
  let wanted = 0;
  let pending = 0;
  let done: (() => void) | undefined;

  const open = (k: number) =>
    new Promise<void>((resolve, reject) => {
      const req = https.get({ agent, host: u.hostname, port: Number(u.port), path, headers: { Accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch ${path}: status ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          let lines = 0;
          for (let p = chunk.indexOf('\n'); p >= 0; p = chunk.indexOf('\n', p + 1)) lines++;
          const before = seen[k];
          seen[k] += lines;
          if (before < wanted && seen[k] >= wanted && --pending === 0) done?.();
        });
        res.on('error', () => {});
        // Headers arrive once the server has registered the watch.
        resolve();
      });
      req.on('error', (e) => reject(e));
      reqs.push(req);
    });

  const t0 = performance.now();
  for (let k = 0; k < n; k += OPEN_AT_ONCE) {
    await Promise.all(Array.from({ length: Math.min(OPEN_AT_ONCE, n - k) }, (_, j) => open(k + j)));
  }
  const openMs = performance.now() - t0;

  return {
    openMs,
    next() {
      wanted++;
      pending = 0;
      for (let k = 0; k < n; k++) if (seen[k] < wanted) pending++;
      if (pending === 0) return Promise.resolve();
      return new Promise<void>((r) => (done = r));
    },
    close() {
      for (const r of reqs) r.destroy();
      agent.destroy();
    },
  };
}
