// The admission interface every plugin implements, as upstream's admission.Interface with its
// MutationInterface and ValidationInterface: a plugin may mutate (admit), validate, or both.
// Webhooks and ValidatingAdmissionPolicy join the chain as plugins of this same shape.

import type { KubeObject, ResourceType } from '../../../api/types.ts';
import type { UserInfo } from '../registry/types.ts';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** What a plugin is told about one request (upstream's admission.Attributes). */
export interface Attributes {
  operation: Operation;
  /** The resource written (group, version, plural, kind, scope). */
  resource: ResourceType;
  /** '' for the resource itself; 'status', 'binding', ... for a subresource. */
  subresource: string;
  name: string;
  /** '' for cluster-scoped resources. */
  namespace: string;
  /** The object being written; undefined for DELETE. Mutating plugins change it in place. */
  object: KubeObject | undefined;
  /** The stored object on UPDATE and DELETE; undefined on CREATE. */
  oldObject: KubeObject | undefined;
  user: UserInfo;
  /** A dry run: a plugin with side effects must not make them. */
  dryRun: boolean;
  /** Warnings to return to the client (Warning headers). */
  warnings: string[];
  /**
   * Annotations for the request's audit event (upstream's AddAnnotation on the audit
   * context, e.g. `pod-security.kubernetes.io/audit-violations`); absent when the request
   * is not audited. Write them with `addAuditAnnotation`.
   */
  auditAnnotations?: Record<string, string>;
}

/** Upstream's audit-context AddAnnotation: a no-op when the request has no audit event. */
export function addAuditAnnotation(a: Attributes, key: string, value: string): void {
  if (a.auditAnnotations) a.auditAnnotations[key] = value;
}

/**
 * One admission plugin. `admit` runs in the mutating phase (before the kind's defaults and
 * validation), `validate` in the validating phase (after them, just before storage) and must
 * not change the object. Rejections throw a StatusError.
 */
export interface AdmissionPlugin {
  /** Upstream's plugin name, as --enable-admission-plugins spells it. */
  readonly name: string;
  /** Whether the plugin looks at this operation at all (default: every operation). */
  handles?(operation: Operation): boolean;
  admit?(a: Attributes): void | Promise<void>;
  validate?(a: Attributes): void | Promise<void>;
}

/** What plugins may read of the cluster: objects through the watch cache. */
export interface AdmissionDeps {
  /** The stored object, or undefined if absent (a cached read first, then a live one). */
  getObject(group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Every object of a resource in a namespace ('' for all, or cluster-scoped), from the watch cache. */
  listObjects(group: string, resource: string, namespace: string): Promise<KubeObject[]>;
  /**
   * Writes an object straight to storage (no admission), as upstream's quota plugin writes a
   * ResourceQuota's status: `change` gets a copy of the live object and is retried on conflict.
   */
  updateObject(group: string, resource: string, namespace: string, name: string, change: (current: KubeObject) => KubeObject | Promise<KubeObject>): Promise<KubeObject>;
}

export type PluginFactory = (deps: AdmissionDeps) => AdmissionPlugin;
