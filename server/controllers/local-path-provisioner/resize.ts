// The local-path provisioner as its volumes' resizer (upstream's external-resizer flow, with
// recovery from expansion failure): a Bound claim of one of its volumes asking for more than
// the volume holds is marked `Resizing` (allocatedResources = the request, allocatedResourceStatuses
// ControllerResizeInProgress), the volume's spec.capacity grows, then the claim's
// status.capacity follows and the markers go. A hostPath directory has no size of its own, so
// there is no node-side step (no FileSystemResizePending): the same on real and simulated
// nodes. Admission (PersistentVolumeClaimResize) has already checked that the class allows it.

import { ANN_PROVISIONED_BY, type PersistentVolume, type PersistentVolumeClaim } from '../../../api/core/persistent-volume/binding.ts';
import { parseQuantity } from '../../../api/core/pod/quantity.ts';
import { rfc3339 } from '../../../api/meta/time.ts';
import type { EventRecorder } from '../common/events.ts';
import { removeCondition, setCondition, type Condition } from '../common/conditions.ts';
import { clone } from '../common/keys.ts';
import type { ControllerContext } from '../common/types.ts';
import { PVCS_R, PVS } from '../persistentvolume/resources.ts';
import { PROVISIONER } from './volume.ts';

export const RESIZING = 'Resizing';
export const FS_RESIZE_PENDING = 'FileSystemResizePending';
export const CONTROLLER_RESIZE_IN_PROGRESS = 'ControllerResizeInProgress';

interface ClaimStatus {
  phase?: string;
  capacity?: Record<string, string>;
  allocatedResources?: Record<string, string>;
  allocatedResourceStatuses?: Record<string, string>;
  conditions?: Condition[];
  [k: string]: unknown;
}

const qty = (s: string | undefined) => parseQuantity(s) ?? 0;

/** The claim's status with the expansion to `size` in progress. */
export function markResizing(st: ClaimStatus, size: string, now: string): ClaimStatus {
  return {
    ...st,
    allocatedResources: { ...(st.allocatedResources ?? {}), storage: size },
    allocatedResourceStatuses: { ...(st.allocatedResourceStatuses ?? {}), storage: CONTROLLER_RESIZE_IN_PROGRESS },
    conditions: setCondition(st.conditions, { type: RESIZING, status: 'True', lastTransitionTime: now }),
  };
}

/** The claim's status once the volume holds `size`: capacity follows, the markers go. */
export function markResized(st: ClaimStatus, size: string): ClaimStatus {
  const next: ClaimStatus = { ...st, capacity: { ...(st.capacity ?? {}), storage: size }, allocatedResources: { ...(st.allocatedResources ?? {}), storage: size } };
  const statuses = { ...(st.allocatedResourceStatuses ?? {}) };
  delete statuses.storage;
  if (Object.keys(statuses).length) next.allocatedResourceStatuses = statuses;
  else delete next.allocatedResourceStatuses;
  const conditions = removeCondition(removeCondition(st.conditions, RESIZING), FS_RESIZE_PENDING);
  if (conditions.length) next.conditions = conditions;
  else delete next.conditions;
  return next;
}

export function newLocalPathResizer(deps: ControllerContext, claimEvents: EventRecorder, volumeOf: (name: string) => PersistentVolume | undefined) {
  const { client, clock, log } = deps;
  const writeStatus = (c: PersistentVolumeClaim, status: ClaimStatus) =>
    client.update<PersistentVolumeClaim>(PVCS_R, c.metadata?.namespace ?? '', { ...clone(c), status }, { subresource: 'status' });

  /** Grows the claim's volume to its request, then its status; nothing when it already fits. */
  return async function resize(c: PersistentVolumeClaim): Promise<void> {
    const name = c.spec?.volumeName;
    if (!name || c.status?.phase !== 'Bound' || c.metadata?.deletionTimestamp) return;
    let v = volumeOf(name);
    if (!v || v.metadata?.annotations?.[ANN_PROVISIONED_BY] !== PROVISIONER || v.spec?.claimRef?.uid !== c.metadata?.uid) return;
    const requested = c.spec?.resources?.requests?.storage;
    let claim = c;
    if (requested && qty(requested) > qty(v.spec?.capacity?.storage)) {
      claimEvents.event(c, 'Normal', 'Resizing', `External resizer is resizing volume ${name}`);
      claim = await writeStatus(c, markResizing((c.status ?? {}) as ClaimStatus, requested, rfc3339(clock.now())));
      v = await client.update<PersistentVolume>(PVS, '', { ...clone(v), spec: { ...v.spec, capacity: { ...(v.spec?.capacity ?? {}), storage: requested } } });
      log.info('expanded local-path volume', { namespace: c.metadata?.namespace, name: c.metadata?.name, volume: name, size: requested });
    }
    const size = v.spec?.capacity?.storage ?? '';
    const st = (claim.status ?? {}) as ClaimStatus;
    const pending = st.allocatedResourceStatuses?.storage !== undefined || st.conditions?.some((x) => x.type === RESIZING || x.type === FS_RESIZE_PENDING);
    if (qty(st.capacity?.storage) >= qty(size) && !pending) return;
    await writeStatus(claim, markResized(st, size));
    claimEvents.event(claim, 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded');
  };
}
