// The PersistentVolume binder (upstream's persistentvolume-binder). One queue, two kinds of key:
// `claim/<ns>/<name>` and `volume/<name>`.
// - An unbound claim binds to the best matching volume (api/core/persistent-volume/binding.ts);
//   with none, a claim of a WaitForFirstConsumer class waits for the scheduler's selected
//   node, a claim of a class is handed to that class's provisioner (the storage-provisioner
//   annotations), and a claim without a class stays Pending with FailedBinding.
// - Binding writes the volume first (claimRef, bound-by-controller), its phase Bound, then the
//   claim (volumeName, bind-completed) and its phase, capacity and access modes: a crash
//   between steps is finished by the next pass from either side.
// - A volume whose claim is gone is Released; Retain keeps it, Delete leaves it to its
//   provisioner (pv.kubernetes.io/provisioned-by) and otherwise fails as upstream's does
//   without a deleter plugin.

import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER,
  ANN_BETA_STORAGE_CLASS, claimClass, defaultClass, findMatchingVolume, isDelayBinding, isVolumeBoundToClaim, volumeMismatch,
  type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from '../../../api/core/persistent-volume/binding.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { Result } from '../../../client/types.ts';
import { errorMessage, isConflict, isNotFound } from '../common/errors.ts';
import { recorderOf } from '../common/events.ts';
import { clone, splitKey } from '../common/keys.ts';
import type { ControllerContext } from '../common/types.ts';
import { PVCS_R, PVS, STORAGE_CLASSES } from './resources.ts';

export const COMPONENT = 'persistentvolume-controller';
export const NO_CLASS_MESSAGE = 'no persistent volumes available for this claim and no storage class is set';
export const WAITING_MESSAGE = 'waiting for first consumer to be created before binding';

export const claimKey = (ns: string, name: string) => `claim/${ns}/${name}`;
export const volumeKey = (name: string) => `volume/${name}`;

export function newBinderReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers, clock, log } = deps;
  const claims = informers.informer<PersistentVolumeClaim>(PVCS_R).lister;
  const volumes = informers.informer<PersistentVolume>(PVS).lister;
  const classes = informers.informer<StorageClass>(STORAGE_CLASSES).lister;
  const events = deps.events(COMPONENT);
  const claimEvents = recorderOf(events, PVCS_R);
  const volumeEvents = recorderOf(events, PVS);
  const classOf = (name: string) => classes.get('', name);

  /** Only phase changes are written, with lastPhaseTransitionTime as upstream sets it. */
  async function volumePhase(v: PersistentVolume, phase: string, message?: string): Promise<PersistentVolume> {
    if (v.status?.phase === phase && (message === undefined || v.status.message === message)) return v;
    const status = { ...(v.status ?? {}), phase, lastPhaseTransitionTime: rfc3339(clock.now()) };
    if (message !== undefined) status.message = message;
    else delete status.message;
    return client.update<PersistentVolume>(PVS, '', { ...clone(v), status }, { subresource: 'status' });
  }

  async function claimStatus(c: PersistentVolumeClaim, phase: string, v?: PersistentVolume): Promise<void> {
    const status = { ...(c.status ?? {}), phase };
    if (v) {
      // Capacity only when the claim becomes Bound, as upstream: after that it is the
      // resizer's (a claim may trail its volume while an expansion finishes).
      if (c.status?.phase !== phase) status.capacity = { ...(v.spec?.capacity ?? {}) };
      status.accessModes = [...(v.spec?.accessModes ?? [])];
    } else if (phase !== 'Bound') {
      delete status.capacity;
      delete status.accessModes;
    }
    if (JSON.stringify(status) === JSON.stringify(c.status ?? {})) return;
    await client.update(PVCS_R, c.metadata?.namespace ?? '', { ...clone(c), status }, { subresource: 'status' });
  }

  /** Upstream's bind(): volume first, then the claim. */
  async function bind(v: PersistentVolume, c: PersistentVolumeClaim): Promise<void> {
    let vol = v;
    if (!isVolumeBoundToClaim(v, c) || !v.spec?.claimRef?.uid) {
      const next = clone(v);
      const byController = !v.spec?.claimRef;
      next.spec = { ...next.spec, claimRef: { kind: 'PersistentVolumeClaim', namespace: c.metadata?.namespace, name: c.metadata?.name, uid: c.metadata?.uid, apiVersion: 'v1', resourceVersion: c.metadata?.resourceVersion } };
      if (byController) next.metadata = { ...next.metadata, annotations: { ...(next.metadata?.annotations ?? {}), [ANN_BOUND_BY_CONTROLLER]: 'yes' } };
      vol = await client.update<PersistentVolume>(PVS, '', next);
    }
    vol = await volumePhase(vol, 'Bound');
    let claim = c;
    const ann = c.metadata?.annotations ?? {};
    if (c.spec?.volumeName !== vol.metadata?.name || ann[ANN_BIND_COMPLETED] !== 'yes') {
      const next = clone(c);
      const annotations: Record<string, string> = { ...ann, [ANN_BIND_COMPLETED]: 'yes' };
      if (!c.spec?.volumeName) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
      next.metadata = { ...next.metadata, annotations };
      next.spec = { ...next.spec, volumeName: vol.metadata?.name };
      claim = await client.update<PersistentVolumeClaim>(PVCS_R, c.metadata?.namespace ?? '', next);
    }
    await claimStatus(claim, 'Bound', vol);
    log.info('bound claim to volume', { namespace: c.metadata?.namespace, name: c.metadata?.name, volume: vol.metadata?.name });
  }

  /** Hands the claim to its class's provisioner, as upstream does for external provisioners. */
  async function provision(c: PersistentVolumeClaim, className: string): Promise<void> {
    const sc = classOf(className);
    if (!sc) {
      claimEvents.event(c, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return claimStatus(c, 'Pending');
    }
    const provisioner = sc.provisioner ?? '';
    const ann = c.metadata?.annotations ?? {};
    if (ann[ANN_STORAGE_PROVISIONER] !== provisioner || ann[ANN_BETA_STORAGE_PROVISIONER] !== provisioner) {
      const next = clone(c);
      next.metadata = { ...next.metadata, annotations: { ...ann, [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner } };
      c = await client.update<PersistentVolumeClaim>(PVCS_R, c.metadata?.namespace ?? '', next);
    }
    claimEvents.event(c, 'Normal', 'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
    await claimStatus(c, 'Pending');
  }

  /** A claim with no class at all gets the default one (upstream's retroactive default StorageClass). */
  async function assignDefaultClass(c: PersistentVolumeClaim): Promise<PersistentVolumeClaim> {
    if (c.spec?.volumeName || (c.spec?.storageClassName ?? null) !== null || c.metadata?.annotations?.[ANN_BETA_STORAGE_CLASS] !== undefined) return c;
    const def = defaultClass(classes.list());
    if (!def) return c;
    const next = clone(c);
    next.spec = { ...next.spec, storageClassName: def.metadata?.name };
    return client.update<PersistentVolumeClaim>(PVCS_R, c.metadata?.namespace ?? '', next);
  }

  async function syncUnboundClaim(claim: PersistentVolumeClaim): Promise<void> {
    const c = await assignDefaultClass(claim);
    const ns = c.metadata?.namespace ?? '';
    if (!c.spec?.volumeName) {
      const delay = isDelayBinding(c, classOf);
      const selected = c.metadata?.annotations?.[ANN_SELECTED_NODE];
      const v = findMatchingVolume(c, volumes.list(), { delayBinding: delay && !selected });
      if (v) return bind(v, c);
      if (delay && !selected) {
        claimEvents.event(c, 'Normal', 'WaitForFirstConsumer', WAITING_MESSAGE);
        return claimStatus(c, 'Pending');
      }
      const className = claimClass(c);
      if (className) return provision(c, className);
      claimEvents.event(c, 'Normal', 'FailedBinding', NO_CLASS_MESSAGE);
      return claimStatus(c, 'Pending');
    }
    // Pre-bound by the user to a named volume.
    const v = volumes.get('', c.spec.volumeName);
    if (!v) return claimStatus(c, 'Pending');
    if (!v.spec?.claimRef || isVolumeBoundToClaim(v, c)) {
      const why = volumeMismatch(v, c);
      if (why) {
        claimEvents.event(c, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${v.metadata?.name}": ${why}`);
        return claimStatus(c, 'Pending');
      }
      return bind(v, c);
    }
    claimEvents.event(c, 'Warning', 'FailedBinding', `volume "${v.metadata?.name}" already bound to a different claim.`);
    log.debug('claim pre-bound to a volume bound elsewhere', { namespace: ns, name: c.metadata?.name });
    await claimStatus(c, 'Pending');
  }

  async function syncBoundClaim(c: PersistentVolumeClaim): Promise<void> {
    const name = c.spec?.volumeName;
    if (!name) {
      if (c.status?.phase !== 'Lost') claimEvents.event(c, 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      return claimStatus(c, 'Lost');
    }
    const v = volumes.get('', name);
    if (!v) {
      if (c.status?.phase !== 'Lost') claimEvents.event(c, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return claimStatus(c, 'Lost');
    }
    if (!v.spec?.claimRef || v.spec.claimRef.uid === c.metadata?.uid) return bind(v, c);
    if (c.status?.phase !== 'Lost') claimEvents.event(c, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
    await claimStatus(c, 'Lost');
  }

  async function syncVolume(v: PersistentVolume): Promise<void> {
    const ref = v.spec?.claimRef;
    if (!ref || !ref.uid) {
      await volumePhase(v, 'Available');
      return;
    }
    const c = claims.get(ref.namespace ?? '', ref.name ?? '');
    if (!c || c.metadata?.uid !== ref.uid) {
      let vol = v;
      if (v.status?.phase !== 'Released' && v.status?.phase !== 'Failed') vol = await volumePhase(v, 'Released');
      return reclaim(vol);
    }
    // The claim side of the binding is not written yet: its own sync finishes it.
    if (!c.spec?.volumeName || c.spec.volumeName === v.metadata?.name) {
      if (c.spec?.volumeName) await volumePhase(v, 'Bound');
      return;
    }
    // The claim is bound to another volume: release ours as upstream's unbindVolume does.
    const next = clone(v);
    if (v.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER]) {
      next.spec = { ...next.spec, claimRef: null };
      const annotations = { ...(next.metadata?.annotations ?? {}) };
      delete annotations[ANN_BOUND_BY_CONTROLLER];
      next.metadata = { ...next.metadata, annotations };
    } else next.spec = { ...next.spec, claimRef: { ...ref, uid: '' } };
    await volumePhase(await client.update<PersistentVolume>(PVS, '', next), 'Available');
  }

  async function reclaim(v: PersistentVolume): Promise<void> {
    const policy = v.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
    if (policy === 'Retain' || v.status?.phase === 'Failed') return;
    // A provisioner that made the volume deletes it (upstream leaves it to external provisioners).
    if (policy === 'Delete' && v.metadata?.annotations?.[ANN_PROVISIONED_BY]) return;
    const message = policy === 'Delete'
      ? `error getting deleter volume plugin for volume "${v.metadata?.name}": no deletable volume plugin matched`
      : 'No recycler plugin found for the volume!';
    volumeEvents.event(v, 'Warning', policy === 'Delete' ? 'VolumeFailedDelete' : 'VolumeFailedRecycle', message);
    await volumePhase(v, 'Failed', message);
  }

  return async (key) => {
    const kind = key.slice(0, key.indexOf('/'));
    const rest = key.slice(kind.length + 1);
    try {
      if (kind === 'volume') {
        const v = volumes.get('', rest);
        if (v) await syncVolume(v);
        return {};
      }
      const { namespace, name } = splitKey(rest);
      const c = claims.get(namespace, name);
      if (!c || c.metadata?.deletionTimestamp && c.status?.phase !== 'Bound') return {};
      if (c.metadata?.annotations?.[ANN_BIND_COMPLETED]) await syncBoundClaim(c);
      else await syncUnboundClaim(c);
      return {};
    } catch (e) {
      // A stale cache: the informer brings the newer object and a fresh pass.
      if (isConflict(e) || isNotFound(e)) {
        log.debug('persistentvolume sync raced an update', { key, err: errorMessage(e) });
        return { requeueAfterMs: 200 };
      }
      throw e;
    }
  };
}
