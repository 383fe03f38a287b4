// ServiceAccount: a new pod runs as the namespace's "default" service account unless it names
// one (spec.serviceAccount is the deprecated alias, kept equal), and, as upstream's plugin
// does, gets the API credentials in-cluster clients look for: a projected volume
// `kube-api-access-<5 chars>` (a bound service-account token for 3607 s, the cluster's CA from
// the kube-root-ca.crt ConfigMap, the namespace) mounted read-only at
// /var/run/secrets/kubernetes.io/serviceaccount in every container and init container that
// mounts nothing there already. Not when the pod's automountServiceAccountToken is false, or it
// is unset and the service account's is false; never for a mirror pod.
// Unlike upstream, a pod whose service account does not exist is not refused.

import type { Container, PodSpec } from '../../../../../api/core/pod/types.ts';
import type { KubeObject } from '../../../../../api/types.ts';
import { randomNameGenerator } from '../../../registry/meta.ts';
import type { AdmissionDeps, AdmissionPlugin } from '../../types.ts';
import { isPodCreate } from '../pods.ts';

export const NAME = 'ServiceAccount';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const VOLUME_PREFIX = 'kube-api-access-';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** Upstream's projected token volume, as its admission plugin writes it. */
export function tokenVolume(name: string): Record<string, unknown> {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

function mountToken(spec: PodSpec): void {
  const containers = [...((spec.initContainers ?? []) as Container[]), ...((spec.containers ?? []) as Container[])];
  const need = containers.filter((c) => !(c.volumeMounts ?? []).some((m) => m.mountPath === TOKEN_MOUNT_PATH));
  if (need.length === 0) return;
  const volumes = (spec.volumes ?? []) as { name?: string; projected?: unknown }[];
  let name = volumes.find((v) => v.name?.startsWith(VOLUME_PREFIX) && v.projected)?.name;
  if (!name) {
    name = randomNameGenerator.generate(VOLUME_PREFIX);
    spec.volumes = [...volumes, tokenVolume(name)] as PodSpec['volumes'];
  }
  for (const c of need) c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
}

export function serviceAccount(deps?: Pick<AdmissionDeps, 'getObject'>): AdmissionPlugin {
  return {
    name: NAME,
    handles: (op) => op === 'CREATE',
    async admit(a) {
      if (!isPodCreate(a)) return;
      const pod = a.object!;
      if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
      const spec = (pod.spec ??= {}) as PodSpec;
      spec.serviceAccountName ||= spec.serviceAccount || 'default';
      spec.serviceAccount = spec.serviceAccountName;
      let automount = spec.automountServiceAccountToken;
      if (automount === undefined || automount === null) {
        const sa = (await deps?.getObject('', 'serviceaccounts', a.namespace, spec.serviceAccountName)) as (KubeObject & { automountServiceAccountToken?: boolean }) | undefined;
        automount = sa?.automountServiceAccountToken ?? true;
      }
      if (automount) mountToken(spec);
    },
  };
}
