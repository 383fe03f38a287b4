// What each node may read, as upstream's Node authorizer graph: every Pod bound to a node
// links it to the Secrets, ConfigMaps, PersistentVolumeClaims and ServiceAccount the Pod
// uses. Kept from the Pod watch cache; a node asks only about its own links.

import type { KubeObject } from '../../../api/types.ts';

type Ref = string; // `${kind}/${namespace}/${name}`

interface PodSpecLike {
  nodeName?: string;
  serviceAccountName?: string;
  volumes?: Record<string, unknown>[];
  imagePullSecrets?: { name?: string }[];
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
}

interface ContainerLike {
  env?: { valueFrom?: { secretKeyRef?: { name?: string }; configMapKeyRef?: { name?: string } } }[];
  envFrom?: { secretRef?: { name?: string }; configMapRef?: { name?: string } }[];
}

/** The objects a Pod uses, as `kind/namespace/name` (kinds: secret, configmap, pvc, serviceaccount). */
export function podReferences(pod: KubeObject): Set<Ref> {
  const ns = pod.metadata?.namespace ?? '';
  const spec = (pod.spec ?? {}) as PodSpecLike;
  const out = new Set<Ref>();
  const add = (kind: string, name: unknown) => {
    if (typeof name === 'string' && name) out.add(`${kind}/${ns}/${name}`);
  };
  add('serviceaccount', spec.serviceAccountName || 'default');
  for (const s of spec.imagePullSecrets ?? []) add('secret', s.name);
  for (const v of spec.volumes ?? []) {
    const vol = v as Record<string, Record<string, unknown> | undefined>;
    add('secret', vol.secret?.secretName);
    add('configmap', vol.configMap?.name);
    add('pvc', vol.persistentVolumeClaim?.claimName);
    if (vol.ephemeral) add('pvc', `${pod.metadata?.name}-${String(v.name)}`);
    for (const k of ['csi', 'cephfs', 'flexVolume', 'iscsi', 'rbd', 'scaleIO', 'storageos', 'azureFile'] as const) {
      const r = vol[k] as { secretRef?: { name?: string }; nodePublishSecretRef?: { name?: string }; secretName?: string } | undefined;
      add('secret', r?.secretRef?.name ?? r?.nodePublishSecretRef?.name ?? r?.secretName);
    }
    const projected = vol.projected as { sources?: { secret?: { name?: string }; configMap?: { name?: string } }[] } | undefined;
    for (const src of projected?.sources ?? []) {
      add('secret', src.secret?.name);
      add('configmap', src.configMap?.name);
    }
  }
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) {
      add('secret', e.valueFrom?.secretKeyRef?.name);
      add('configmap', e.valueFrom?.configMapKeyRef?.name);
    }
    for (const e of c.envFrom ?? []) {
      add('secret', e.secretRef?.name);
      add('configmap', e.configMapRef?.name);
    }
  }
  return out;
}

export class NodeGraph {
  /** node -> ref -> how many of the node's pods use it */
  private readonly links = new Map<string, Map<Ref, number>>();
  /** pod ref (`pod/ns/name`) -> its node and the other refs counted for it */
  private readonly pods = new Map<Ref, { node: string; refs: Ref[] }>();
  /**
   * One string per distinct node name and ref however many pods hold it (a ServiceAccount's ref
   * is shared by every pod of its namespace): at 30,000 pods a Set and strings of its own per
   * pod cost the apiserver ~10 MB.
   */
  private readonly strings = new Map<string, { s: string; uses: number }>();

  private intern(s: string): string {
    const e = this.strings.get(s);
    if (!e) {
      this.strings.set(s, { s, uses: 1 });
      return s;
    }
    e.uses++;
    return e.s;
  }

  private release(s: string): void {
    const e = this.strings.get(s);
    if (e && --e.uses === 0) this.strings.delete(s);
  }

  upsert(pod: KubeObject): void {
    this.remove(pod);
    const nodeName = (pod.spec as PodSpecLike | undefined)?.nodeName;
    if (!nodeName) return;
    const self = podRef(pod);
    const node = this.intern(nodeName);
    const refs = [...podReferences(pod)].map((r) => this.intern(r));
    this.pods.set(self, { node, refs });
    let m = this.links.get(node);
    if (!m) this.links.set(node, (m = new Map()));
    m.set(self, (m.get(self) ?? 0) + 1);
    for (const r of refs) m.set(r, (m.get(r) ?? 0) + 1);
  }

  remove(pod: KubeObject): void {
    const self = podRef(pod);
    const old = this.pods.get(self);
    if (!old) return;
    this.pods.delete(self);
    const m = this.links.get(old.node);
    for (const r of [self, ...old.refs]) {
      const n = (m?.get(r) ?? 0) - 1;
      if (n > 0) m!.set(r, n);
      else m?.delete(r);
    }
    if (m?.size === 0) this.links.delete(old.node);
    for (const r of old.refs) this.release(r);
    this.release(old.node);
  }

  /** Whether a pod bound to the node uses the object (kind: secret, configmap, pvc, serviceaccount, pod). */
  has(node: string, kind: string, namespace: string, name: string): boolean {
    return this.links.get(node)?.has(`${kind}/${namespace}/${name}`) ?? false;
  }
}

function podRef(pod: KubeObject): Ref {
  return `pod/${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}
