// Service ClusterIP and NodePort allocation (the Service kind's store hooks use it). The used
// sets are rebuilt from the stored Services at start and kept in this process; with several apiservers on one etcd two
// of them could hand out the same address at once (upstream guards this with IPAddress
// objects or an allocation bitmap in etcd; not done yet).

import type { KubeObject, Undo } from '../../types.ts';
import { StatusError, invalid, fieldError } from '../../meta/errors.ts';

export const SERVICE_CIDR = '10.96.0.0/12';
export const NODE_PORT_RANGE: [number, number] = [30000, 32767];

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);
}
function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function clusterIPs(spec: ServiceSpec): string[] {
  return (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).filter((ip) => ip !== 'None');
}

function nodePorts(spec: ServiceSpec): number[] {
  return (spec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p);
}

interface ServicePort {
  port?: number;
  nodePort?: number;
  name?: string;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

export class ServiceAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly ips = new Set<string>();
  private readonly ports = new Set<number>();
  private nextIp = 10;

  constructor(cidr = SERVICE_CIDR) {
    const [addr, bits] = cidr.split('/');
    this.base = ipToInt(addr);
    this.size = 2 ** (32 - Number(bits));
  }

  /** Marks what existing Services hold. */
  load(services: KubeObject[]): void {
    for (const s of services) {
      const spec = (s.spec ?? {}) as ServiceSpec;
      for (const ip of clusterIPs(spec)) this.ips.add(ip);
      for (const p of nodePorts(spec)) this.ports.add(p);
    }
  }

  inRange(ip: string): boolean {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false;
    const n = ipToInt(ip);
    return n > this.base && n < this.base + this.size - 1;
  }

  /**
   * Fills spec.clusterIP(s) and node ports on create, and on update where the type changed;
   * returns what gives the reserved ones back (a failed write, a dry run).
   */
  allocate(svc: KubeObject, old: KubeObject | undefined): Undo {
    const spec = (svc.spec ??= {}) as ServiceSpec;
    const oldSpec = (old?.spec ?? {}) as ServiceSpec;
    const name = svc.metadata?.name ?? '';
    const takenIps: string[] = [];
    const takenPorts: number[] = [];
    const undo = () => {
      for (const ip of takenIps) this.ips.delete(ip);
      for (const p of takenPorts) this.ports.delete(p);
    };
    try {
      if (spec.type === 'ExternalName') {
        if (!old) {
          delete spec.clusterIP;
          delete spec.clusterIPs;
        }
      } else if (!old || !oldSpec.clusterIP) {
        const want = spec.clusterIP ?? spec.clusterIPs?.[0];
        if (want === 'None') {
          spec.clusterIPs = ['None'];
        } else if (want) {
          if (!this.inRange(want)) {
            throw invalid('Service', '', name, [
              fieldError.invalid('spec.clusterIPs', [want], `failed to allocate IP ${want}: the provided IP (${want}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`),
            ]);
          }
          if (this.ips.has(want)) {
            throw invalid('Service', '', name, [fieldError.invalid('spec.clusterIPs', [want], `failed to allocate IP ${want}: provided IP is already allocated`)]);
          }
          this.ips.add(want);
          takenIps.push(want);
          spec.clusterIP = want;
          spec.clusterIPs = [want];
        } else {
          const ip = this.freeIp();
          this.ips.add(ip);
          takenIps.push(ip);
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        }
      }
      const wantsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
      const oldPorts = new Set(nodePorts(oldSpec));
      if (wantsNodePorts) {
        for (const [i, p] of (spec.ports ?? []).entries()) {
          if (p.nodePort) {
            if (oldPorts.has(p.nodePort)) continue;
            if (p.nodePort < NODE_PORT_RANGE[0] || p.nodePort > NODE_PORT_RANGE[1]) {
              throw invalid('Service', '', name, [
                fieldError.invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE[0]}-${NODE_PORT_RANGE[1]}`),
              ]);
            }
            if (this.ports.has(p.nodePort)) {
              throw invalid('Service', '', name, [fieldError.invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated')]);
            }
            this.ports.add(p.nodePort);
            takenPorts.push(p.nodePort);
          } else {
            const port = this.freePort();
            this.ports.add(port);
            takenPorts.push(port);
            p.nodePort = port;
          }
        }
      } else {
        for (const p of spec.ports ?? []) delete p.nodePort;
      }
    } catch (e) {
      undo();
      throw e;
    }
    return undo;
  }

  /** After a stored update: the addresses and node ports the old object held and the new one does not. */
  releaseDropped(svc: KubeObject, old: KubeObject): void {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    const oldSpec = (old.spec ?? {}) as ServiceSpec;
    const ips = new Set(clusterIPs(spec));
    const ports = new Set(nodePorts(spec));
    for (const ip of clusterIPs(oldSpec)) if (!ips.has(ip)) this.ips.delete(ip);
    for (const p of nodePorts(oldSpec)) if (!ports.has(p)) this.ports.delete(p);
  }

  release(svc: KubeObject): void {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    for (const ip of clusterIPs(spec)) this.ips.delete(ip);
    for (const p of nodePorts(spec)) this.ports.delete(p);
  }

  /** Whether an address or node port is held (for tests and diagnostics). */
  holds(what: string | number): boolean {
    return typeof what === 'string' ? this.ips.has(what) : this.ports.has(what);
  }

  private freeIp(): string {
    for (let i = 0; i < this.size - 2; i++) {
      const off = ((this.nextIp + i) % (this.size - 2)) + 1;
      const ip = intToIp(this.base + off);
      if (!this.ips.has(ip)) {
        this.nextIp = off + 1;
        return ip;
      }
    }
    throw new StatusError(500, 'InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
  }

  private freePort(): number {
    const [lo, hi] = NODE_PORT_RANGE;
    const start = lo + Math.floor(Math.random() * (hi - lo + 1));
    for (let i = 0; i <= hi - lo; i++) {
      const p = lo + ((start - lo + i) % (hi - lo + 1));
      if (!this.ports.has(p)) return p;
    }
    throw new StatusError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
  }
}
