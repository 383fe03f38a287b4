// The built-in admission plugins in upstream's order (its AllOrderedPlugins): the chain runs
// every mutating half in this order, then every validating half. A new plugin is a folder
// under plugins/ and one line here, at upstream's place.

import { AdmissionChain } from './chain.ts';
import { defaultTolerationSeconds } from './plugins/default-toleration-seconds/index.ts';
import { limitRanger } from './plugins/limit-ranger/index.ts';
import { namespaceLifecycle } from './plugins/namespace-lifecycle/index.ts';
import { priority } from './plugins/priority/index.ts';
import { serviceAccount } from './plugins/service-account/index.ts';
import { nodeRestriction } from './plugins/node-restriction/index.ts';
import { podSecurity } from './plugins/pod-security/index.ts';
import { defaultStorageClass } from './plugins/default-storage-class/index.ts';
import { storageObjectInUseProtection } from './plugins/storage-object-in-use-protection/index.ts';
import { persistentVolumeClaimResize } from './plugins/persistent-volume-claim-resize/index.ts';
import { resourceQuota, NAME as RESOURCE_QUOTA } from './plugins/resource-quota/index.ts';
import type { AdmissionDeps, PluginFactory } from './types.ts';

export const builtinPlugins: PluginFactory[] = [
  namespaceLifecycle,
  limitRanger,
  serviceAccount,
  nodeRestriction,
  priority,
  defaultTolerationSeconds,
  podSecurity,
  defaultStorageClass,
  storageObjectInUseProtection,
  persistentVolumeClaimResize,
  // Upstream's last: what it charges must not be charged for a request a webhook refuses.
  resourceQuota,
];

/** Plugins joining at run time (webhooks, policies) go before this one, as upstream orders them. */
export const LAST_PLUGIN = RESOURCE_QUOTA;

export function createAdmissionChain(deps: AdmissionDeps, plugins: PluginFactory[] = builtinPlugins): AdmissionChain {
  return new AdmissionChain(plugins.map((f) => f(deps)));
}
