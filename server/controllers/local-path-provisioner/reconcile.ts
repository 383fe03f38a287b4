// The local-path provisioner (k3s's rancher.io/local-path, run in the controller manager).
// Keys `claim/<ns>/<name>` and `volume/<name>`.
// - A claim handed to this provisioner (the storage-provisioner annotation the binder sets)
//   gets a hostPath volume on its node: the scheduler's selected node for
//   WaitForFirstConsumer, the first Ready schedulable node (by name) for Immediate.
// - A Released volume of this provisioner with reclaim policy Delete is deleted: on a real
//   node a helper pod removes its directory first, as k3s does; on a simulated node
//   (kubets.io/simulated) there is no directory and the volume goes at once.
// - A Bound claim asking for more than its volume holds has the volume expanded (resize.ts).

import * as yaml from 'js-yaml';
import {
  ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimClass,
  type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from '../../../api/core/persistent-volume/binding.ts';
import type { KubeObject } from '../../../api/types.ts';
import type { Result } from '../../../client/types.ts';
import { errorMessage, isAlreadyExists, isNotFound } from '../common/errors.ts';
import { recorderOf } from '../common/events.ts';
import { splitKey } from '../common/keys.ts';
import type { Pod } from '../common/pods.ts';
import { R } from '../common/resources.ts';
import type { ControllerContext } from '../common/types.ts';
import { NODES } from '../node-lifecycle/resources.ts';
import { PVCS_R, PVS, STORAGE_CLASSES } from '../persistentvolume/resources.ts';
import { newLocalPathResizer } from './resize.ts';
import { baseDirFor, CONFIG_MAP, newLocalVolume, nodeOfVolume, PROVISIONER, volumeNameFor } from './volume.ts';

const SIM_ANNOTATION = 'kubets.io/simulated';
export const HELPER_LABEL = 'kubets.io/local-path-helper';
export const DEFAULT_HELPER_IMAGE = 'rancher/mirrored-library-busybox:1.36.1';

interface Node extends KubeObject {
  spec?: { unschedulable?: boolean };
  status?: { conditions?: Array<{ type?: string; status?: string }> };
}

const isReady = (n: Node) => !n.spec?.unschedulable && (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
export const helperPodName = (volume: string) => `helper-pod-delete-${volume}`;

export function newProvisionerReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers, log } = deps;
  const claims = informers.informer<PersistentVolumeClaim>(PVCS_R).lister;
  const volumes = informers.informer<PersistentVolume>(PVS).lister;
  const classes = informers.informer<StorageClass>(STORAGE_CLASSES).lister;
  const nodes = informers.informer<Node>(NODES).lister;
  const pods = informers.informer<Pod>(R.pods).lister;
  const events = deps.events(PROVISIONER);
  const claimEvents = recorderOf(events, PVCS_R);
  const volumeEvents = recorderOf(events, PVS);
  const resize = newLocalPathResizer(deps, claimEvents, (name) => volumes.get('', name));

  const config = async () => {
    try {
      return await client.get(R.configMaps, CONFIG_MAP.namespace, CONFIG_MAP.name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };

  async function provision(c: PersistentVolumeClaim): Promise<void> {
    if (c.spec?.volumeName || c.metadata?.deletionTimestamp) return;
    if (c.metadata?.annotations?.[ANN_STORAGE_PROVISIONER] !== PROVISIONER) return;
    const sc = classes.get('', claimClass(c));
    if (!sc || sc.provisioner !== PROVISIONER) return;
    if (volumes.get('', volumeNameFor(c))) return;
    const ns = c.metadata?.namespace ?? '';
    const what = `"${ns}/${c.metadata?.name}"`;
    if (c.spec?.selector) {
      claimEvents.event(c, 'Warning', 'ProvisioningFailed', 'failed to provision volume with StorageClass "' + sc.metadata?.name + '": claim.Spec.Selector is not supported');
      return;
    }
    let nodeName = c.metadata?.annotations?.[ANN_SELECTED_NODE];
    if (!nodeName) {
      if (sc.volumeBindingMode === 'WaitForFirstConsumer') return;
      nodeName = nodes.list().filter(isReady).map((n) => n.metadata?.name ?? '').sort()[0];
      if (!nodeName) {
        claimEvents.event(c, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name}": no ready node to place the volume on`);
        throw new Error(`no ready node for claim ${what}`);
      }
    }
    const node = nodes.get('', nodeName);
    const hostname = node?.metadata?.labels?.['kubernetes.io/hostname'] ?? nodeName;
    claimEvents.event(c, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim ${what}`);
    const pv = newLocalVolume(c, sc, { name: nodeName, hostname }, baseDirFor(await config(), nodeName));
    try {
      await client.create(PVS, '', pv);
    } catch (e) {
      if (!isAlreadyExists(e)) {
        claimEvents.event(c, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name}": ${errorMessage(e)}`);
        throw e;
      }
    }
    claimEvents.event(c, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata?.name}`);
    log.info('provisioned local-path volume', { namespace: ns, name: c.metadata?.name, volume: pv.metadata?.name, node: nodeName });
  }

  /** The helper pod that removes the directory on its node; undefined once it is gone. */
  function helperPod(v: PersistentVolume, node: string, image: string): Pod {
    const path = v.spec?.hostPath?.path ?? '';
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const dir = path.slice(path.lastIndexOf('/') + 1);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: helperPodName(v.metadata?.name ?? ''), namespace: CONFIG_MAP.namespace, labels: { [HELPER_LABEL]: v.metadata?.name ?? '' } },
      spec: {
        nodeName: node,
        restartPolicy: 'Never',
        tolerations: [{ operator: 'Exists' }],
        containers: [{ name: 'helper-pod', image, imagePullPolicy: 'IfNotPresent', command: ['rm', '-rf', `/data/${dir}`], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        volumes: [{ name: 'data', hostPath: { path: parent, type: 'DirectoryOrCreate' } }],
      },
    } as unknown as Pod;
  }

  async function helperImage(): Promise<string> {
    const raw = ((await config()) as { data?: Record<string, string> } | undefined)?.data?.['helperPod.yaml'];
    if (!raw) return DEFAULT_HELPER_IMAGE;
    try {
      const tpl = yaml.load(raw) as { spec?: { containers?: Array<{ image?: string }> } };
      return tpl?.spec?.containers?.[0]?.image ?? DEFAULT_HELPER_IMAGE;
    } catch {
      return DEFAULT_HELPER_IMAGE;
    }
  }

  async function reclaim(v: PersistentVolume): Promise<Result> {
    if (v.metadata?.annotations?.[ANN_PROVISIONED_BY] !== PROVISIONER) return {};
    if (v.status?.phase !== 'Released' || v.spec?.persistentVolumeReclaimPolicy !== 'Delete' || v.metadata?.deletionTimestamp) return {};
    const name = v.metadata?.name ?? '';
    const nodeName = nodeOfVolume(v);
    const node = nodeName ? nodes.get('', nodeName) : undefined;
    const needsCleanup = node && node.metadata?.annotations?.[SIM_ANNOTATION] !== 'true' && v.spec?.hostPath?.path;
    if (needsCleanup) {
      const helper = pods.get(CONFIG_MAP.namespace, helperPodName(name));
      if (!helper) {
        await client.create(R.pods, CONFIG_MAP.namespace, helperPod(v, nodeName!, await helperImage())).catch((e) => {
          if (!isAlreadyExists(e)) throw e;
        });
        return {};
      }
      const phase = helper.status?.phase;
      if (phase !== 'Succeeded') {
        if (phase === 'Failed') {
          volumeEvents.event(v, 'Warning', 'VolumeFailedDelete', `failed to delete volume ${name}: helper pod ${helper.metadata?.name} failed`);
          await client.delete(R.pods, CONFIG_MAP.namespace, helper.metadata?.name ?? '', { preconditions: { uid: helper.metadata?.uid } }).catch(() => undefined);
          return { requeueAfterMs: 10_000 };
        }
        return {};
      }
      await client.delete(R.pods, CONFIG_MAP.namespace, helper.metadata?.name ?? '', { preconditions: { uid: helper.metadata?.uid } }).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    }
    await client.delete(PVS, '', name, { preconditions: { uid: v.metadata?.uid } }).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
    log.info('deleted local-path volume', { name, node: nodeName });
    return {};
  }

  return async (key) => {
    const kind = key.slice(0, key.indexOf('/'));
    const rest = key.slice(kind.length + 1);
    if (kind === 'volume') {
      const v = volumes.get('', rest);
      return v ? reclaim(v) : {};
    }
    const { namespace, name } = splitKey(rest);
    const c = claims.get(namespace, name);
    if (c) await provision(c);
    if (c) await resize(c);
    return {};
  };
}
