// Subresources served by a handler of their own rather than by the generic engine (the
// engine serves status itself). The router looks a handler up here by resource and
// subresource; a new one is a file in this folder and one registerSubresource line below.

import type { ResourceType } from '../../../api/types.ts';
import type { SubresourceHandler } from '../api-context.ts';
import type { GenericStore } from '../registry/store.ts';
import { csrApprovalHandler } from '../csr-approval.ts';
import { namespaceFinalizeHandler } from './namespace-finalize.ts';
import { podBindingHandler } from './pod-binding.ts';
import { podEvictionHandler } from './pod-eviction.ts';
import { podEphemeralContainersHandler } from './pod-ephemeral-containers.ts';
import { scaleHandler } from './scale.ts';
import type { SubresourceFactory } from './types.ts';

export type { SubresourceEnv, SubresourceFactory } from './types.ts';

const factories = new Map<string, SubresourceFactory>();

/**
 * Serves `<resource>[.<group>]/<subresource>` (e.g. "pods/binding", "deployments.apps/scale")
 * with a handler; the resource "*" serves that subresource of every resource that declares it.
 */
export function registerSubresource(key: string, factory: SubresourceFactory): void {
  factories.set(key, factory);
}

registerSubresource('*/scale', scaleHandler);
registerSubresource('pods/binding', podBindingHandler);
registerSubresource('pods/eviction', podEvictionHandler);
registerSubresource('pods/ephemeralcontainers', podEphemeralContainersHandler);
registerSubresource('namespaces/finalize', namespaceFinalizeHandler);
registerSubresource('certificatesigningrequests.certificates.k8s.io/approval', ({ engine }) => csrApprovalHandler(engine));

function resourceKey(rt: ResourceType): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
}

/** The router's lookup: a handler for the resource's subresource, or undefined (the engine serves it). */
export function subresourceHandlers(
  engine: (rt: ResourceType) => GenericStore,
  engineOf: (group: string, plural: string) => GenericStore,
): (rt: ResourceType, sub: string) => SubresourceHandler | undefined {
  return (rt, sub) => {
    const factory = factories.get(`${resourceKey(rt)}/${sub}`) ?? factories.get(`*/${sub}`);
    return factory?.({ resource: rt, engine: engine(rt), engineOf });
  };
}
