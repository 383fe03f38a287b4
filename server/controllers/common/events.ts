// Events the controllers record, with upstream's reasons and messages. Each controller gets its
// own recorder (source.component = upstream's component name) from ctx.events(component).
// Informer objects may lack apiVersion/kind, so the involved object gets them filled in.

import type { KubeObject } from '../../../api/types.ts';
import type { EventRecorder, EventType } from '../../../client/events.ts';
import type { ResourceRef } from '../../../client/types.ts';
import { apiVersionOf } from './resources.ts';
import { errorMessage } from './errors.ts';

export type { EventRecorder, EventType };

/** Builds the recorder for one controller, named as upstream names it. */
export type RecorderFor = (component: string) => EventRecorder;

/** Upstream's component names (source.component of the Events each controller writes). */
export const COMPONENT = {
  replicaset: 'replicaset-controller',
  replicationcontroller: 'replication-controller',
  deployment: 'deployment-controller',
  job: 'job-controller',
  cronjob: 'cronjob-controller',
  statefulset: 'statefulset-controller',
  daemonset: 'daemonset-controller',
  node: 'node-controller',
  taintEviction: 'taint-eviction-controller',
} as const;

/** obj with apiVersion and kind set from its resource when the object itself lacks them. */
export function about<T extends KubeObject>(obj: T, r: ResourceRef): T {
  if (obj.apiVersion && obj.kind) return obj;
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(r), kind: obj.kind ?? r.kind };
}

/** A recorder whose events are all about objects of resource r (apiVersion/kind filled in). */
export function recorderOf(rec: EventRecorder, r: ResourceRef): EventRecorder {
  return { event: (obj, type, reason, message) => rec.event(about(obj, r), type, reason, message), flush: () => rec.flush() };
}

// The pod-control events every pod-owning controller shares (upstream controller_utils).
export const podCreated = (rec: EventRecorder, owner: KubeObject, pod: string) => rec.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod}`);
export const podCreateFailed = (rec: EventRecorder, owner: KubeObject, err: unknown) => rec.event(owner, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
export const podDeleted = (rec: EventRecorder, owner: KubeObject, pod: string) => rec.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod}`);
export const podDeleteFailed = (rec: EventRecorder, owner: KubeObject, err: unknown) => rec.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
