// The Service kind's store hooks: cluster IPs and node ports are reserved in the AddressBook
// just before a write is stored and given back when it fails, when an update dropped them,
// and when the Service is gone. A dry run checks and fills them in but reserves nothing.

import type { KubeObject, StoreHooks, Undo } from '../../types.ts';
import { StatusError, invalid, fieldError } from '../../meta/errors.ts';
import { AllocationError, type AddressBook, type ServiceRef } from './address-book.ts';
import { ServiceAllocator } from './allocator.ts';

interface ServicePort {
  nodePort?: number;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

function clusterIPs(spec: ServiceSpec): string[] {
  return (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).filter((ip) => ip !== 'None');
}

function nodePorts(spec: ServiceSpec): number[] {
  return (spec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p);
}

function ownerOf(svc: KubeObject): ServiceRef {
  return { namespace: svc.metadata?.namespace ?? '', name: svc.metadata?.name ?? '' };
}

/** Errors of a release are left to the repair loops, which free what leaked. */
const quietly = (p: Promise<void>): void => void p.catch(() => undefined);

export function serviceHooks(book: AddressBook = new ServiceAllocator()): StoreHooks {
  async function allocate(svc: KubeObject, old: KubeObject | undefined, dryRun: boolean): Promise<Undo> {
    const spec = (svc.spec ??= {}) as ServiceSpec;
    const oldSpec = (old?.spec ?? {}) as ServiceSpec;
    const owner = ownerOf(svc);
    const name = owner.name;
    const takenIps: string[] = [];
    const takenPorts: number[] = [];
    const undo = () => {
      for (const ip of takenIps) quietly(book.releaseIp(ip, owner));
      if (takenPorts.length) quietly(book.releasePorts(takenPorts));
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
        } else {
          if (want && !book.inRange(want)) {
            throw invalid('Service', '', name, [
              fieldError.invalid('spec.clusterIPs', [want], `failed to allocate IP ${want}: the provided IP (${want}) is not in the valid range. The range of valid IPs is ${book.serviceCIDR}`),
            ]);
          }
          const ip = await book.reserveIp(want, owner, dryRun).catch((e: unknown) => {
            if (e instanceof AllocationError && e.reason === 'taken') {
              throw invalid('Service', '', name, [fieldError.invalid('spec.clusterIPs', [want], `failed to allocate IP ${want}: provided IP is already allocated`)]);
            }
            if (e instanceof AllocationError) throw new StatusError(500, 'InternalError', `Internal error occurred: failed to allocate a serviceIP: ${e.message}`);
            throw e;
          });
          if (!dryRun) takenIps.push(ip);
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        }
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        const oldPorts = new Set(nodePorts(oldSpec));
        for (const [i, p] of (spec.ports ?? []).entries()) {
          if (p.nodePort && oldPorts.has(p.nodePort)) continue;
          const [lo, hi] = book.nodePortRange;
          if (p.nodePort && (p.nodePort < lo || p.nodePort > hi)) {
            throw invalid('Service', '', name, [
              fieldError.invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`),
            ]);
          }
          const want = p.nodePort;
          p.nodePort = await book.reservePort(want, owner, dryRun).catch((e: unknown) => {
            if (e instanceof AllocationError && e.reason === 'taken') {
              throw invalid('Service', '', name, [fieldError.invalid(`spec.ports[${i}].nodePort`, want, 'provided port is already allocated')]);
            }
            if (e instanceof AllocationError) throw new StatusError(500, 'InternalError', `Internal error occurred: failed to allocate a nodePort: ${e.message}`);
            throw e;
          });
          if (!dryRun) takenPorts.push(p.nodePort);
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

  function release(svc: KubeObject, keep: KubeObject | undefined): void {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    const kept = (keep?.spec ?? {}) as ServiceSpec;
    const ips = new Set(clusterIPs(kept));
    const ports = new Set(nodePorts(kept));
    const owner = ownerOf(svc);
    for (const ip of clusterIPs(spec)) if (!ips.has(ip)) quietly(book.releaseIp(ip, owner));
    const dropped = nodePorts(spec).filter((p) => !ports.has(p));
    if (dropped.length) quietly(book.releasePorts(dropped));
  }

  return {
    async beforeCreate(obj, ctx) {
      const undo = await allocate(obj, undefined, ctx.dryRun);
      if (!ctx.dryRun) return undo;
    },
    async beforeUpdate(obj, old, ctx) {
      const undo = await allocate(obj, old, ctx.dryRun);
      if (!ctx.dryRun) return undo;
    },
    afterUpdate: (obj, old) => release(old, obj),
    afterDelete: (obj) => release(obj, undefined),
  };
}
