// The resource model every layer shares: what a kind is (registry entry), what is special
// about it (strategy), how it prints (table). Adding a built-in kind = one ResourceType.

import type { FieldError } from './meta/errors.ts';
import type { JSONSchemaProps } from './apiextensions/schema/types.ts';

/** A Kubernetes object as JSON. Strategies narrow it with the client-node model types. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export type Verb =
  | 'create'
  | 'delete'
  | 'deletecollection'
  | 'get'
  | 'list'
  | 'patch'
  | 'update'
  | 'watch';

export const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Subresources served under /<resource>/<name>/<sub>. */
export type SubresourceName = 'status' | 'scale' | 'binding' | 'eviction' | 'approval' | 'token' | 'finalize' | 'log' | 'exec' | 'attach' | 'portforward' | 'proxy' | 'ephemeralcontainers' | 'resize';

export interface Subresource {
  name: SubresourceName;
  /** Kind served by the subresource (e.g. Scale in group autoscaling/v1 for scale). */
  kind: string;
  group?: string;
  version?: string;
  verbs: Verb[];
  /** scale of a custom resource: where replicas and the selector live (default spec/status.replicas). */
  scalePaths?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
}

/** Context a strategy may read: injected clock, the request's user. */
export interface StrategyContext {
  now: Date;
  /** Who asked (CertificateSigningRequest stamps it into spec, as upstream). */
  user?: { username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };
}

/**
 * What is special about a kind, split by verb as upstream's RESTCreateStrategy and
 * RESTUpdateStrategy. Prepare* may mutate the object; validate* must not.
 */
export interface Strategy {
  /** Defaults, clearing status on create for kinds with a status subresource, etc. */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void;
  validate?(obj: KubeObject): FieldError[];
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /**
   * Status subresource writes: the engine keeps everything of the stored object but status
   * (and managedFields); this may adjust what else a status write carries.
   */
  prepareForStatusUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Deletion also waits while this holds (beyond metadata.finalizers): Namespace's spec.finalizers. */
  deletionPending?(obj: KubeObject): boolean;
  /** Marks an object whose deletion has to wait (Namespace: status.phase Terminating). */
  prepareForDeletion?(obj: KubeObject, ctx: StrategyContext): void;
  /**
   * Status writes may change annotations (upstream's Deployment status strategy keeps only spec
   * and labels: the controller records its revision annotation together with the status).
   */
  statusUpdatesAnnotations?: boolean;
  /** Whether PUT may create (upstream: true for few kinds, e.g. none of the built-ins but some). */
  allowCreateOnUpdate?: boolean;
  /**
   * metadata.generation tracking, decided by the engine alone: 1 on create, +1 on an update
   * that changes any of these fields ('spec', or a dotted path such as 'metadata.annotations'),
   * or with '*' any top-level field but apiVersion, kind and metadata (custom resources).
   * Kinds without it keep a generation a client gave, bumped when anything but metadata and
   * status changes. Strategies never set generation themselves.
   */
  generationFields?: string[] | '*';
  /**
   * Graceful deletion (upstream's CheckGracefulDelete): the seconds a deleted object lingers
   * with a deletionTimestamp before it goes; 0 or absent deletes at once.
   */
  gracePeriod?(obj: KubeObject, requested: number | undefined): number;
  /** DELETE answers with the object rather than a Status (upstream's ReturnDeletedObject). */
  returnDeletedObject?: boolean;
}

/** What a store hook knows of the request. */
export interface HookContext {
  now: Date;
  /** A dry run: check what the write would do, but reserve and free nothing. */
  dryRun: boolean;
  /** Who writes (RBAC's escalation check judges the writer's own permissions). */
  user: NonNullable<StrategyContext['user']>;
}

/** Undoes what a before* hook reserved, when the write it prepared does not happen. */
export type Undo = () => void;

/**
 * A kind's side effects beyond its own object (upstream's BeginCreate/AfterCreate/AfterDelete
 * registry hooks), e.g. Service IPs and node ports. The engine calls before* after validation
 * and validating admission, just before storage (also in a dry run, told so: then they may
 * check but must reserve nothing), and calls the Undo they return when the write fails.
 * after* run only once a real write is stored; afterDelete when the object is gone from
 * storage (at once, or when its last finalizer or its grace period ends).
 */
export interface StoreHooks {
  /** Once at start, with every stored object of the resource: rebuild in-memory state. */
  init?(existing: KubeObject[]): void;
  beforeCreate?(obj: KubeObject, ctx: HookContext): Undo | void | Promise<Undo | void>;
  afterCreate?(obj: KubeObject, ctx: HookContext): void;
  beforeUpdate?(obj: KubeObject, old: KubeObject, ctx: HookContext): Undo | void | Promise<Undo | void>;
  afterUpdate?(obj: KubeObject, old: KubeObject, ctx: HookContext): void;
  afterDelete?(obj: KubeObject, ctx: HookContext): void;
}

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

export interface TableColumn {
  name: string;
  type: ColumnType;
  format?: string; // 'name' for the Name column
  description: string;
  /** 0: shown by default; 1: only with -o wide. */
  priority: number;
}

/** A condition on a table row (upstream marks finished pods Completed). */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface TablePrinter {
  columns: TableColumn[];
  /**
   * One row's cells for every column, wide ones included (the server always prints wide and
   * kubectl hides priority 1). Dates are RFC3339 strings; ages are rendered here from `now`.
   */
  row(obj: KubeObject, now: Date): unknown[];
  conditions?(obj: KubeObject): TableRowCondition[];
}

export interface ResourceType {
  group: string; // '' for core
  version: string;
  kind: string;
  /** Lower-case plural: the REST path segment. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: Verb[];
  subresources?: Subresource[];
  /** Where it is stored: the resource name in the key (defaults to plural) and the storage version. */
  storage?: { resource?: string; group?: string; version?: string };
  /** Converts between this version and the storage version when they differ. */
  convert?: {
    toStorage(obj: KubeObject): KubeObject;
    fromStorage(obj: KubeObject): KubeObject;
  };
  /**
   * Conversion that leaves the process (a CRD's conversion webhook): objects to the storage
   * version, and stored objects (in batches, for lists) to this version.
   */
  convertAsync?: {
    toStorage(obj: KubeObject): Promise<KubeObject>;
    fromStorage(objs: KubeObject[]): Promise<KubeObject[]>;
  };
  strategy?: Strategy;
  /** A fresh set of store hooks for one server (they may hold state, e.g. an allocator). */
  hooks?: () => StoreHooks;
  table?: TablePrinter;
  /** Field selectors beyond metadata.name / metadata.namespace: path -> value getter. */
  fieldSelectors?: Record<string, (obj: KubeObject) => string | undefined>;
  /** Field selectors the watch cache indexes, so that `field=value` lists and watches read only those objects (upstream: pods by spec.nodeName). */
  indexedFields?: string[];
  /** false: kept out of the watch cache, reads and watches go to the store (upstream's default for Events). */
  watchCache?: false;
  /** The definition name in the OpenAPI document, e.g. io.k8s.api.core.v1.Pod. */
  openapiName?: string;
  /** Whether the status subresource exists (then main-resource writes ignore status). */
  hasStatus?: boolean;
  /** A schema carried by the resource itself (custom resources): pruning and OpenAPI. */
  schema?: ResourceSchema;
  /** Clients that cannot see generation bumps etc.; upstream: generation is bumped on spec change. */
  preferredVersion?: boolean;
}

export interface ResourceSchema {
  /** The structural schema (server-side apply reads its list types and map keys). */
  openAPIV3Schema?: JSONSchemaProps;
  /** Drops the fields the schema does not declare; returns their paths (".spec.foo"). */
  prune(obj: KubeObject): string[];
  /** OpenAPI v2 definitions under upstream's names: the kind's (`name`) and its list's. */
  openapi: { name: string; definitions: Record<string, Record<string, unknown>>; hash: string };
}

export function groupVersion(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** An apiVersion's group ('' for the core group) and version: the inverse of groupVersion. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
