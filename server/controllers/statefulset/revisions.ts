// ControllerRevisions for workloads that keep their pod template history (StatefulSet,
// DaemonSet): a revision stores the template as a replace patch, is named <owner>-<hash>,
// and carries an increasing revision number. A template equal to a stored revision reuses it;
// a name taken by a different template is a hash collision, answered by bumping collisionCount.

import type { KubeObject } from '../../../api/types.ts';
import type { Client } from '../../../client/types.ts';
import { isAlreadyExists, isNotFound } from '../common/errors.ts';
import { clone } from '../common/keys.ts';
import { newControllerRef } from '../common/owners.ts';
import { R } from '../common/resources.ts';

export const REVISION_HASH_LABEL = 'controller-revision-hash';
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: Record<string, unknown>;
}

export interface ControllerRevision extends KubeObject {
  data?: { spec?: { template?: PodTemplate & { $patch?: string } } };
  revision?: number;
}

/** JSON with object keys sorted, so equal templates serialize the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a (32 bit) of the template and collision count, in the consonant alphabet names use. */
export function templateHash(template: PodTemplate | undefined, collisionCount = 0): string {
  let h = 0x811c9dc5;
  const s = canonicalJson(template ?? {}) + (collisionCount ? String(collisionCount) : '');
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

export function revisionTemplate(r: ControllerRevision | undefined): PodTemplate | undefined {
  const t = r?.data?.spec?.template;
  if (!t) return undefined;
  const { $patch: _, ...rest } = t;
  return rest;
}

const sameTemplate = (r: ControllerRevision, t: PodTemplate | undefined) => canonicalJson(revisionTemplate(r)) === canonicalJson(t ?? {});

export interface Owner extends KubeObject {
  spec?: { template?: PodTemplate; revisionHistoryLimit?: number };
  status?: { collisionCount?: number };
}

export interface RevisionSet {
  update: ControllerRevision;
  /** The hash of the update revision (its name minus the owner's name). */
  hash: string;
  collisionCount: number;
  /** Owned revisions, oldest first, including update. */
  all: ControllerRevision[];
}

/**
 * Finds or creates the revision for the owner's current template. `owned` are the owner's
 * revisions (any order). On a hash collision the count goes up and the next hash is tried;
 * the caller writes the returned collisionCount to status.
 */
export async function ensureUpdateRevision(client: Client, owner: Owner, ownerRt: { group: string; version: string; kind: string }, owned: ControllerRevision[]): Promise<RevisionSet> {
  const ns = owner.metadata?.namespace ?? '';
  const template = owner.spec?.template;
  const all = [...owned].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  const next = (all.at(-1)?.revision ?? 0) + 1;
  let collisionCount = owner.status?.collisionCount ?? 0;
  const equal = all.filter((r) => sameTemplate(r, template));
  if (equal.length) {
    let update = equal.at(-1)!;
    if (update !== all.at(-1)) {
      // An older template came back: it becomes the newest revision again.
      update = await client.update<ControllerRevision>(R.controllerRevisions, ns, { ...clone(update), revision: next });
      all.splice(all.findIndex((r) => r.metadata?.name === update.metadata?.name), 1);
      all.push(update);
    }
    return { update, hash: hashOf(owner, update), collisionCount, all };
  }
  for (;;) {
    const hash = templateHash(template, collisionCount);
    const rev: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: `${owner.metadata?.name}-${hash}`, namespace: ns, labels: { ...(template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash }, ownerReferences: [newControllerRef(owner, ownerRt)] },
      data: { spec: { template: { ...clone(template ?? {}), $patch: 'replace' } } },
      revision: next,
    };
    try {
      const created = await client.create<ControllerRevision>(R.controllerRevisions, ns, rev);
      return { update: created, hash, collisionCount, all: [...all, created] };
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await client.get<ControllerRevision>(R.controllerRevisions, ns, rev.metadata?.name ?? '');
      const ownedByUs = existing.metadata?.ownerReferences?.some((r) => r.uid === owner.metadata?.uid);
      if (ownedByUs && sameTemplate(existing, template)) return { update: existing, hash, collisionCount, all: [...all, existing] };
      collisionCount++;
    }
  }
}

function hashOf(owner: Owner, r: ControllerRevision): string {
  return r.metadata?.labels?.[REVISION_HASH_LABEL] ?? (r.metadata?.name ?? '').slice((owner.metadata?.name ?? '').length + 1);
}

/** Deletes the oldest revisions not in `live` beyond revisionHistoryLimit. */
export async function truncateHistory(client: Client, owner: Owner, all: ControllerRevision[], live: Set<string>): Promise<void> {
  const limit = owner.spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
  const history = all.filter((r) => !live.has(r.metadata?.name ?? ''));
  for (const r of history.slice(0, Math.max(0, history.length - limit))) {
    try {
      await client.delete(R.controllerRevisions, r.metadata?.namespace ?? '', r.metadata?.name ?? '', { preconditions: { uid: r.metadata?.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
