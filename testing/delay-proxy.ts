// A TCP proxy on loopback that holds every chunk for a while in each direction, in order: a
// slow network or a slow member in front of a real server (etcd). The delay can change while
// connections are open; close() ends every connection.

import net from 'node:net';

export interface DelayProxy {
  /** host:port of the proxy. */
  address: string;
  /** Milliseconds each chunk is held in each direction from now on. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export async function startDelayProxy(target: { host: string; port: number }, delayMs = 0): Promise<DelayProxy> {
  let delay = delayMs;
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  /** Forwards from → to, each chunk after the delay, never out of order. */
  const pipe = (from: net.Socket, to: net.Socket) => {
    let last = 0;
    from.on('data', (chunk: Buffer) => {
      const at = Math.max(Date.now() + delay, last);
      last = at;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!to.destroyed) to.write(chunk);
      }, at - Date.now());
      timers.add(timer);
    });
    from.on('end', () => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        to.end();
      }, Math.max(0, last - Date.now()));
      timers.add(timer);
    });
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    setDelay(ms) {
      delay = ms;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
