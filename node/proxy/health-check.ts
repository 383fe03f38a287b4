// healthCheckNodePort, as upstream's kube-proxy serves it: for each LoadBalancer Service with
// externalTrafficPolicy Local, an HTTP server on its healthCheckNodePort (every node address)
// that a cloud load balancer probes to send traffic only to nodes with a local endpoint. Any
// path: 200 when this node has a ready local endpoint, else 503; the JSON body names the
// Service and counts them (`localEndpoints`, `serviceProxyHealthy`), and the
// X-Load-Balancing-Endpoint-Weight header carries the count. Servers follow the Services at
// every proxy sync: opened, updated, closed.

import { createServer, type Server } from 'node:http';
import type { Log } from '../../client/types.ts';
import type { ServicePortEntry } from './model.ts';

export interface HealthTarget {
  namespace: string;
  name: string;
  port: number;
  localEndpoints: number;
}

/** One target per Service with a health-check node port: its distinct local endpoints. */
export function healthTargets(entries: ServicePortEntry[]): HealthTarget[] {
  const by = new Map<string, { t: HealthTarget; ips: Set<string> }>();
  for (const e of entries) {
    if (!e.healthCheckNodePort) continue;
    const k = `${e.namespace}/${e.name}`;
    const cur = by.get(k) ?? { t: { namespace: e.namespace, name: e.name, port: e.healthCheckNodePort, localEndpoints: 0 }, ips: new Set<string>() };
    for (const ep of e.external) if (ep.local) cur.ips.add(ep.ip);
    cur.t.localEndpoints = cur.ips.size;
    by.set(k, cur);
  }
  return [...by.values()].map((v) => v.t);
}

export class HealthCheckServers {
  private readonly servers = new Map<number, { server: Server; target: HealthTarget }>();

  constructor(private readonly host = '0.0.0.0', private readonly log?: Log) {}

  /** Opens, updates and closes servers so that exactly these targets are served. */
  async sync(targets: HealthTarget[]): Promise<void> {
    const wanted = new Map(targets.map((t) => [t.port, t]));
    for (const [port, s] of this.servers) {
      if (wanted.has(port)) continue;
      this.servers.delete(port);
      s.server.close();
    }
    for (const [port, target] of wanted) {
      const cur = this.servers.get(port);
      if (cur) {
        cur.target = target;
        continue;
      }
      const entry = { server: createServer((_req, res) => {
        const t = entry.target;
        const body = JSON.stringify({ service: { namespace: t.namespace, name: t.name }, localEndpoints: t.localEndpoints, serviceProxyHealthy: true }, null, '\t');
        res.writeHead(t.localEndpoints > 0 ? 200 : 503, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff', 'X-Load-Balancing-Endpoint-Weight': String(t.localEndpoints) });
        res.end(body);
      }), target };
      this.servers.set(port, entry);
      await new Promise<void>((resolve) => {
        entry.server.once('error', (e) => {
          // Upstream logs and carries on (the port may be taken): the Service still works.
          this.log?.error('health check port not served', { service: `${target.namespace}/${target.name}`, port, error: String(e) });
          this.servers.delete(port);
          resolve();
        });
        entry.server.listen(port, this.host, () => resolve());
      });
    }
  }

  ports(): number[] {
    return [...this.servers.keys()];
  }

  close(): void {
    for (const s of this.servers.values()) s.server.close();
    this.servers.clear();
  }
}
