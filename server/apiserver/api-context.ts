// What the resource handlers share: the registry of kinds, one engine per kind, and the
// pluggable pieces (tables, patching, selectors) wired by app.ts.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, ResourceType } from '../../api/types.ts';
import type { GenericStore } from './registry/store.ts';
import type { BodyType } from './negotiate.ts';
import type { RequestContext } from './registry/types.ts';

export interface TableOptions {
  includeObject: 'None' | 'Object' | 'Metadata';
  noHeaders?: boolean;
}

export interface ApiContext {
  /** Looks a resource up by group, version and plural (or undefined). */
  lookup(group: string, version: string, plural: string): ResourceType | undefined;
  engine(rt: ResourceType): GenericStore;
  toTable(rt: ResourceType, objects: KubeObject[], now: Date, opts: TableOptions): Record<string, unknown>;
  /** Applies a PATCH body of the given type to the live object (undefined: absent, apply may create). */
  patch(rt: ResourceType, type: BodyType, live: KubeObject | undefined, patch: unknown, ctx: RequestContext, force: boolean, subresource?: string): KubeObject;
  /** Builds a predicate from label and field selectors; 400 on bad syntax or unknown fields. */
  predicate(rt: ResourceType, labelSelector: string | undefined, fieldSelector: string | undefined): ((obj: KubeObject) => boolean) | undefined;
  /** Default watch timeout when the client gives none (upstream: 30-60 min). */
  watchTimeoutSeconds(): number;
  /** A watch closed for not reading its events (./watch.ts slowWatchers): counted, logged. */
  watcherTerminated?(rt: ResourceType, bufferedBytes: number): void;
  /** Subresources served by a handler outside the generic engine (scale, binding, eviction...). */
  subresource?(rt: ResourceType, name: string): SubresourceHandler | undefined;
  /** Kinds whose create is a question answered from authn/authz (the review kinds), never stored. */
  review?(rt: ResourceType): ((ctx: RequestContext, body: KubeObject) => KubeObject | Promise<KubeObject>) | undefined;
}

export interface SubresourceHandler {
  /** Group/versions accepted in a body besides the subresource's own (pods/eviction: policy/v1beta1). */
  accepts?: string[];
  get?(ctx: RequestContext, name: string): Promise<KubeObject>;
  /** PUT (and PATCH after the patch is applied to what get returns). */
  update?(ctx: RequestContext, name: string, body: KubeObject): Promise<{ object: KubeObject; created: boolean }>;
  /** POST */
  create?(ctx: RequestContext, name: string, body: KubeObject): Promise<{ object: KubeObject; code: number }>;
  /**
   * Connect-style subresources (upstream's rest.Connecter: log, exec, attach, portforward,
   * proxy): the handler writes the response itself, or takes over an upgraded connection.
   * `rest` is the path after the subresource (proxy paths).
   */
  connect?(ctx: RequestContext, name: string, req: IncomingMessage, res: ServerResponse, query: URLSearchParams, rest: string[]): Promise<void>;
}
