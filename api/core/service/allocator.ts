// An in-memory AddressBook: one process's view only, for unit tests of the Service hooks.
// The apiserver allocates through storage (server/apiserver/allocation/).

import { AllocationError, type AddressBook, type ServiceRef } from './address-book.ts';
import { IpRange, NODE_PORT_RANGE, portCandidates, SERVICE_CIDR } from './ip-range.ts';

export class ServiceAllocator implements AddressBook {
  readonly nodePortRange = NODE_PORT_RANGE;
  private readonly range: IpRange;
  private readonly ips = new Map<string, string>();
  private readonly ports = new Set<number>();

  constructor(readonly serviceCIDR = SERVICE_CIDR) {
    this.range = new IpRange(serviceCIDR);
  }

  inRange(ip: string): boolean {
    return this.range.contains(ip);
  }

  async reserveIp(ip: string | undefined, owner: ServiceRef, dryRun: boolean): Promise<string> {
    let pick = ip;
    if (pick === undefined) {
      for (const c of this.range.candidates()) {
        if (!this.ips.has(c)) {
          pick = c;
          break;
        }
      }
    }
    if (!pick) throw new AllocationError('full', 'range is full');
    if (this.ips.has(pick)) throw new AllocationError('taken', 'provided IP is already allocated');
    if (!dryRun) this.ips.set(pick, `${owner.namespace}/${owner.name}`);
    return pick;
  }

  async releaseIp(ip: string, owner: ServiceRef): Promise<void> {
    if (this.ips.get(ip) === `${owner.namespace}/${owner.name}`) this.ips.delete(ip);
  }

  async reservePort(port: number | undefined, _owner: ServiceRef, dryRun: boolean): Promise<number> {
    let pick = port;
    if (pick === undefined) {
      for (const p of portCandidates(this.nodePortRange)) {
        if (!this.ports.has(p)) {
          pick = p;
          break;
        }
      }
    }
    if (pick === undefined) throw new AllocationError('full', 'range is full');
    if (this.ports.has(pick)) throw new AllocationError('taken', 'provided port is already allocated');
    if (!dryRun) this.ports.add(pick);
    return pick;
  }

  async releasePorts(ports: number[]): Promise<void> {
    for (const p of ports) this.ports.delete(p);
  }

  /** Whether an address or node port is held (for tests). */
  holds(what: string | number): boolean {
    return typeof what === 'string' ? this.ips.has(what) : this.ports.has(what);
  }
}
