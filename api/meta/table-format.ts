// Shared pieces of the per-kind printers (api/<group>/<kind>/table.ts): the columns almost
// every kind has, loose readers for JSON objects, and the cell formats upstream's printers
// use (label maps, label selectors, container lists, "a,b,c + 2 more...").

import type { KubeObject, TableColumn } from '../types.ts';
import { since } from './duration.ts';

export const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name of the object, unique per kind within its namespace (or cluster for cluster-scoped kinds).',
  priority: 0,
};

export const ageColumn: TableColumn = {
  name: 'Age',
  type: 'string',
  description: 'Time elapsed since the object was created (metadata.creationTimestamp).',
  priority: 0,
};

/** A column from its name, type, description and optionally priority 1 (wide only). */
export function col(name: string, type: TableColumn['type'], description: string, wide = false): TableColumn {
  return { name, type, description, priority: wide ? 1 : 0 };
}

export const containersColumn = col('Containers', 'string', 'Names of the containers in the pod template.', true);
export const imagesColumn = col('Images', 'string', 'Images of the containers in the pod template.', true);

// ---- loose readers: objects arrive as JSON, so every step may be missing or mistyped

export type Rec = Record<string, unknown>;

export function rec(v: unknown): Rec {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {};
}
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function recs(v: unknown): Rec[] {
  return arr(v).map(rec);
}
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
export function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}
/** A string or number as its text (int-or-string fields, quantities); '' when absent. */
export function text(v: unknown): string {
  return typeof v === 'number' ? String(v) : str(v);
}

export function objName(obj: KubeObject): string {
  return obj.metadata?.name ?? '';
}
export function objAge(obj: KubeObject, now: Date): string {
  return since(obj.metadata?.creationTimestamp, now);
}
export function spec(obj: KubeObject): Rec {
  return rec(obj.spec);
}
export function statusOf(obj: KubeObject): Rec {
  return rec(obj.status);
}

// ---- cell formats

/** "k1=v1,k2=v2" sorted by key, "<none>" when empty. */
export function formatLabels(labels: unknown): string {
  const m = rec(labels);
  const keys = Object.keys(m).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${str(m[k])}`).join(',');
}

/** A LabelSelector as selector text ("app=web,tier in (a,b)"), '' when it selects everything or nothing. */
export function selectorString(selector: unknown): string {
  const sel = rec(selector);
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(rec(sel.matchLabels))) reqs.push([k, `${k}=${str(v)}`]);
  for (const e of recs(sel.matchExpressions)) {
    const k = str(e.key);
    const values = arr(e.values).map(str).sort().join(',');
    switch (e.operator) {
      case 'In': reqs.push([k, `${k} in (${values})`]); break;
      case 'NotIn': reqs.push([k, `${k} notin (${values})`]); break;
      case 'Exists': reqs.push([k, k]); break;
      case 'DoesNotExist': reqs.push([k, `!${k}`]); break;
      default: return '<error>';
    }
  }
  return reqs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, r]) => r).join(',');
}

/** Like selectorString, "<none>" when empty. */
export function formatLabelSelector(selector: unknown): string {
  return selectorString(selector) || '<none>';
}

/** [names, images] of a container list, comma-joined. */
export function containerCells(containers: unknown): [string, string] {
  const cs = recs(containers);
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}

/** The first `max` items joined by ",", then " + N more..." when there were more; "<unset>" when none. */
export function listWithMore(items: string[], max = 3): string {
  if (items.length === 0) return '<unset>';
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

/** The value of a condition of the given type, or undefined. */
export function condition(conditions: unknown, type: string): Rec | undefined {
  return recs(conditions).find((c) => c.type === type);
}
