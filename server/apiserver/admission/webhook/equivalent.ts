// matchPolicy: which version of the resource a webhook is called at. A rule naming the
// request's own group/version/resource wins; otherwise, under Equivalent (the default), a rule
// naming another version of the same stored resource (autoscaling/v1 and v2 HPAs, core/v1 and
// events.k8s.io/v1 Events, a CRD's served versions) matches too, and the webhook gets the
// object converted to that version, with requestKind/requestResource still the request's, as
// upstream's. Exact: only the request's own version.

import type { KubeObject, ResourceType } from '../../../../api/types.ts';
import { groupVersion } from '../../../../api/types.ts';
import type { Attributes } from '../types.ts';
import { ruleMatches, type RuleWithOperations } from './match.ts';

const storedAs = (rt: ResourceType) => `${rt.storage?.group ?? rt.group}/${rt.storage?.resource ?? rt.plural}`;
const same = (x: ResourceType, y: ResourceType) => x.group === y.group && x.version === y.version && x.plural === y.plural;

/** The other served versions of the resource the request writes, in the registry's order. */
export function equivalentResources(all: readonly ResourceType[], rt: ResourceType, subresource: string): ResourceType[] {
  const key = storedAs(rt);
  return all.filter((x) => !same(x, rt) && storedAs(x) === key && (!subresource || (x.subresources ?? []).some((s) => s.name === subresource)));
}

/** The version to call the webhook at, or undefined when no rule matches. */
export function invocationResource(
  w: { rules?: RuleWithOperations[]; matchPolicy?: string },
  a: Attributes,
  all: () => readonly ResourceType[],
): ResourceType | undefined {
  const rules = w.rules ?? [];
  if (rules.some((r) => ruleMatches(r, a))) return a.resource;
  if (w.matchPolicy === 'Exact') return undefined;
  const eqs = equivalentResources(all(), a.resource, a.subresource);
  // Earlier rules first, as upstream's.
  for (const r of rules) for (const eq of eqs) if (ruleMatches(r, { ...a, resource: eq })) return eq;
  return undefined;
}

async function toStorage(rt: ResourceType, o: KubeObject): Promise<KubeObject> {
  if (rt.convertAsync) return rt.convertAsync.toStorage(o);
  return rt.convert ? rt.convert.toStorage(o) : o;
}

async function fromStorage(rt: ResourceType, o: KubeObject): Promise<KubeObject> {
  const read = rt.convertAsync ? (await rt.convertAsync.fromStorage([o]))[0]! : o;
  const out = rt.convert ? rt.convert.fromStorage(read) : read;
  return { ...out, apiVersion: groupVersion(rt), kind: rt.kind };
}

/** The object as version `to` serves it, through the storage version (a copy). */
export async function convertObject(o: KubeObject, from: ResourceType, to: ResourceType): Promise<KubeObject> {
  if (same(from, to)) return o;
  return structuredClone(await fromStorage(to, await toStorage(from, structuredClone(o))));
}

/** The request as the webhook sees it at version `rt`: objects converted, the rest shared. */
export async function versionedAttributes(a: Attributes, rt: ResourceType): Promise<Attributes> {
  if (same(a.resource, rt)) return a;
  return {
    ...a,
    resource: rt,
    object: a.object && (await convertObject(a.object, a.resource, rt)),
    oldObject: a.oldObject && (await convertObject(a.oldObject, a.resource, rt)),
  };
}
