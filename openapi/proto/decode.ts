// Decodes request bodies sent as application/vnd.kubernetes.protobuf (what client-go's typed
// clients, and so kubectl's create/run/drain/auth commands, send) into plain JSON objects.
// Wire format: the 4 bytes "k8s\0", then a runtime.Unknown {typeMeta, raw} whose raw is the
// object's message. Responses stay JSON: those clients accept JSON too.

import protobuf from 'protobufjs';
import type { KubeObject } from '../../api/types.ts';
import k8sTypes from './k8s-types.json' with { type: 'json' };

export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

let root: protobuf.Root | undefined;
function types(): protobuf.Root {
  if (!root) {
    root = protobuf.Root.fromJSON(k8sTypes as unknown as protobuf.INamespace);
  }
  return root;
}

export class ProtobufDecodeError extends Error {}

/** The proto package of an API group version: "apps/v1" -> k8s.io.api.apps.v1. */
export function packageOf(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === '') return `k8s.io.api.core.${version}`;
  if (group === 'meta.k8s.io') return `k8s.io.apimachinery.pkg.apis.meta.${version}`;
  return `k8s.io.api.${group.split('.')[0]}.${version}`;
}

function lookupType(apiVersion: string, kind: string): protobuf.Type | undefined {
  const r = types();
  for (const name of [`${packageOf(apiVersion)}.${kind}`, `${META}.${kind}`]) {
    const t = r.lookup(name);
    if (t instanceof protobuf.Type) return t;
  }
  return undefined;
}

/** Decodes a whole protobuf request body into a JSON object with apiVersion and kind. */
export function decodeProtobufBody(buf: Buffer): KubeObject {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(PROTOBUF_MAGIC)) {
    throw new ProtobufDecodeError('provided value is not a protobuf-encoded Kubernetes object (missing "k8s\\x00" prefix)');
  }
  const unknown = types().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  let env: protobuf.Message & { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  try {
    env = unknown.decode(buf.subarray(4)) as typeof env;
  } catch (e) {
    throw new ProtobufDecodeError(`unable to decode protobuf envelope: ${(e as Error).message}`);
  }
  const apiVersion = env.typeMeta?.apiVersion ?? '';
  const kind = env.typeMeta?.kind ?? '';
  const type = lookupType(apiVersion, kind);
  if (!type) throw new ProtobufDecodeError(`no protobuf schema for ${apiVersion}, Kind=${kind}`);
  let msg: protobuf.Message;
  try {
    msg = type.decode(env.raw ?? new Uint8Array());
  } catch (e) {
    throw new ProtobufDecodeError(`unable to decode ${kind}: ${(e as Error).message}`);
  }
  const obj = toJson(type, msg) as KubeObject;
  return { apiVersion, kind, ...obj };
}

/**
 * gogo-protobuf writes every non-pointer field, zero or not, so a zero on the wire may just
 * mean "unset". Go's JSON would drop those (omitempty); we drop zero scalars too, except for
 * fields that are pointers upstream and where an explicit 0 or false means something.
 */
const KEEP_ZERO = new Set([
  'replicas', 'parallelism', 'completions', 'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes',
  'activeDeadlineSeconds', 'terminationGracePeriodSeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds',
  'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'startingDeadlineSeconds', 'ttlSecondsAfterFinished',
  'runAsUser', 'runAsGroup', 'fsGroup', 'defaultMode', 'mode', 'automountServiceAccountToken',
  'readOnlyRootFilesystem', 'runAsNonRoot', 'privileged', 'allowPrivilegeEscalation', 'suspend', 'optional',
  'immutable', 'enableServiceLinks', 'shareProcessNamespace', 'hostUsers', 'setHostnameAsFQDN', 'priority',
  'value', 'expirationSeconds', 'gracePeriodSeconds', 'orphanDependents', 'maxUnavailable', 'maxSurge',
  'minAvailable', 'partition', 'allocateLoadBalancerNodePorts', 'ready', 'serving', 'terminating',
]);

function isZero(v: unknown): boolean {
  if (v === '' || v === false || v === 0) return true;
  return !!v && typeof v === 'object' && 'isZero' in v && typeof (v as { isZero: unknown }).isZero === 'function' && (v as { isZero(): boolean }).isZero();
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

function timeString(seconds: number, nanos: number, micro: boolean): string {
  const d = new Date(seconds * 1000);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let rest = Math.abs(ns);
  const h = Math.floor(rest / 3.6e12);
  rest -= h * 3.6e12;
  const m = Math.floor(rest / 6e10);
  rest -= m * 6e10;
  const s = rest / 1e9;
  const out = h ? `${h}h${m}m${s}s` : m ? `${m}m${s}s` : `${s}s`;
  return neg ? `-${out}` : out;
}

/** Messages that stand for a Go type with its own JSON form. */
function special(typeName: string, msg: Record<string, unknown>): { ok: true; value: unknown } | undefined {
  switch (typeName) {
    case `${META}.Time`:
    case `${META}.MicroTime`: {
      const secs = num(msg.seconds ?? 0);
      const nanos = num(msg.nanos ?? 0);
      // The zero time is JSON null upstream: leave the field out.
      if (secs === 0 && nanos === 0) return { ok: true, value: undefined };
      return { ok: true, value: timeString(secs, nanos, typeName.endsWith('MicroTime')) };
    }
    case `${META}.Duration`:
      return { ok: true, value: goDuration(num(msg.duration ?? 0)) };
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { ok: true, value: msg.string ?? '0' };
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return { ok: true, value: num(msg.type ?? 0) === 1 ? (msg.strVal ?? '') : num(msg.intVal ?? 0) };
    case 'k8s.io.apimachinery.pkg.runtime.RawExtension':
    case `${META}.FieldsV1`: {
      const raw = (msg.raw ?? msg.Raw) as Uint8Array | undefined;
      if (!raw || raw.length === 0) return { ok: true, value: undefined };
      return { ok: true, value: JSON.parse(Buffer.from(raw).toString('utf8')) };
    }
  }
  return undefined;
}

function convertValue(field: protobuf.Field, v: unknown): unknown {
  if (field.resolvedType instanceof protobuf.Type) return toJson(field.resolvedType, v as protobuf.Message);
  if (field.type === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
  if (field.type === 'int64' || field.type === 'uint64' || field.type === 'sint64' || field.type === 'fixed64' || field.type === 'sfixed64') return num(v);
  return v;
}

/** A decoded message as the JSON the API would carry, only with fields that were on the wire. */
export function toJson(type: protobuf.Type, msg: protobuf.Message): unknown {
  const m = msg as unknown as Record<string, unknown>;
  const fullName = type.fullName.replace(/^\./, '');
  const sp = special(fullName, m);
  if (sp) return sp.value;
  const fields = type.fieldsArray;
  // Named slices (ExtraValue, Verbs...) travel as a message with one repeated "items" field.
  if (fields.length === 1 && fields[0].name === 'items' && fields[0].repeated && !fullName.endsWith('List')) {
    const items = (m.items ?? []) as unknown[];
    return items.map((v) => convertValue(fields[0], v));
  }
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    f.resolve();
    if (!Object.prototype.hasOwnProperty.call(m, f.name)) continue;
    const v = m[f.name];
    if (f.map) {
      const entries = Object.entries((v ?? {}) as Record<string, unknown>);
      if (entries.length === 0) continue;
      const o: Record<string, unknown> = {};
      for (const [k, x] of entries) o[k] = convertValue(f, x);
      out[f.name] = o;
    } else if (f.repeated) {
      const arr = (v ?? []) as unknown[];
      if (arr.length === 0) continue;
      out[f.name] = arr.map((x) => convertValue(f, x));
    } else {
      const c = convertValue(f, v);
      if (c === undefined) continue;
      if ((c === '' || isZero(c)) && !KEEP_ZERO.has(f.name)) continue;
      out[f.name] = c;
    }
  }
  return out;
}
