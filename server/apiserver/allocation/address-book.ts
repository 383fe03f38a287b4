// The apiserver's AddressBook, shared through storage as upstream's: a cluster IP is held by
// an IPAddress object (networking.k8s.io/v1) named by the IP, whose parentRef is the Service;
// creating one that exists fails, so of two apiservers racing for an IP one gets it and the
// other tries another. Node ports live in the shared range object (node-port-range.ts).

import type { KubeObject } from '../../../api/types.ts';
import { StatusError } from '../../../api/meta/errors.ts';
import { AllocationError, type AddressBook, type ServiceRef } from '../../../api/core/service/address-book.ts';
import { IpRange } from '../../../api/core/service/ip-range.ts';
import type { NodePortRange } from './node-port-range.ts';

export const MANAGED_BY_LABEL = 'ipaddress.kubernetes.io/managed-by';
export const IP_FAMILY_LABEL = 'ipaddress.kubernetes.io/ip-family';
export const IP_ALLOCATOR = 'ipallocator.k8s.io';

/** IPAddress objects through the generic engine (so they are validated and watched like any object). */
export interface IPAddressAccess {
  /** Fails with a 409 StatusError when the name exists. */
  create(obj: KubeObject): Promise<void>;
  get(name: string): Promise<KubeObject | undefined>;
  /** Deletes it if it is still the object with this uid. */
  delete(name: string, uid: string): Promise<void>;
  /** Names as the watch cache has them (a hint: a create is what decides). */
  cachedNames(): Promise<Set<string>>;
}

export function ipAddressFor(ip: string, owner: ServiceRef): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IPAddress',
    metadata: { name: ip, labels: { [IP_FAMILY_LABEL]: 'IPv4', [MANAGED_BY_LABEL]: IP_ALLOCATOR } },
    spec: { parentRef: { group: '', resource: 'services', namespace: owner.namespace, name: owner.name } },
  };
}

/** Whether an IPAddress's parentRef names this Service. */
export function ownedBy(obj: KubeObject, owner: ServiceRef): boolean {
  const ref = (obj.spec as { parentRef?: { group?: string; resource?: string; namespace?: string; name?: string } } | undefined)?.parentRef;
  return !!ref && (ref.group ?? '') === '' && ref.resource === 'services' && ref.namespace === owner.namespace && ref.name === owner.name;
}

const isAlreadyExists = (e: unknown) => e instanceof StatusError && e.code === 409;

export class StoreAddressBook implements AddressBook {
  readonly nodePortRange: readonly [number, number];
  private readonly range: IpRange;

  constructor(
    private readonly ips: IPAddressAccess,
    private readonly ports: NodePortRange,
    readonly serviceCIDR: string,
  ) {
    this.range = new IpRange(serviceCIDR);
    this.nodePortRange = ports.range;
  }

  inRange(ip: string): boolean {
    return this.range.contains(ip);
  }

  async reserveIp(ip: string | undefined, owner: ServiceRef, dryRun: boolean): Promise<string> {
    if (ip !== undefined) {
      if (dryRun) {
        if (await this.ips.get(ip)) throw new AllocationError('taken', 'provided IP is already allocated');
        return ip;
      }
      await this.ips.create(ipAddressFor(ip, owner)).catch((e: unknown) => {
        if (isAlreadyExists(e)) throw new AllocationError('taken', 'provided IP is already allocated');
        throw e;
      });
      return ip;
    }
    const known = await this.ips.cachedNames();
    for (const candidate of this.range.candidates()) {
      if (known.has(candidate)) continue;
      if (dryRun) return candidate;
      try {
        await this.ips.create(ipAddressFor(candidate, owner));
        return candidate;
      } catch (e) {
        // Another apiserver (or request) took it a moment ago: the next one.
        if (!isAlreadyExists(e)) throw e;
      }
    }
    throw new AllocationError('full', 'range is full');
  }

  async releaseIp(ip: string, owner: ServiceRef): Promise<void> {
    const obj = await this.ips.get(ip);
    if (obj && ownedBy(obj, owner)) await this.ips.delete(ip, obj.metadata!.uid!);
  }

  reservePort(port: number | undefined, _owner: ServiceRef, dryRun: boolean): Promise<number> {
    return this.ports.reserve(port, dryRun);
  }

  releasePorts(ports: number[]): Promise<void> {
    return this.ports.release(ports);
  }
}
