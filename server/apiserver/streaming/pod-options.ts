// The query parameters of pods/log, pods/exec, pods/attach and pods/portforward, checked as
// upstream checks PodLogOptions, PodExecOptions, PodAttachOptions and PodPortForwardOptions,
// and the container choice every one of them makes.

import type { KubeObject } from '../../../api/types.ts';
import { StatusError, badRequest } from '../../../api/meta/errors.ts';

type Named = { name?: string };
type PodSpec = { containers?: Named[]; initContainers?: Named[]; ephemeralContainers?: Named[]; nodeName?: string };

function specOf(pod: KubeObject): PodSpec {
  return (pod.spec ?? {}) as PodSpec;
}

/** The container a request is about: the one named, or the only one; 400 otherwise (upstream's words). */
export function chooseContainer(pod: KubeObject, container: string): string {
  const spec = specOf(pod);
  const name = pod.metadata?.name ?? '';
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name ?? '');
  if (!container) {
    const regular = spec.containers ?? [];
    if (regular.length === 1) return regular[0].name ?? '';
    if (regular.length === 0) throw badRequest(`pod ${name} does not have a container`);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

function int(query: URLSearchParams, key: string): number | undefined {
  const v = query.get(key);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

function bool(query: URLSearchParams, key: string): boolean {
  const v = query.get(key);
  if (v === null || v === '') return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw badRequest(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

function invalid(kind: string, name: string, causes: { field: string; message: string; reason?: string }[]): StatusError {
  const text = causes.map((c) => `${c.field}: ${c.message}`);
  return new StatusError(422, 'Invalid', `${kind} "${name}" is invalid: ${text.length > 1 ? `[${text.join(', ')}]` : text[0]}`, {
    name, kind, causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
  });
}

/** The kubelet's /containerLogs query for a pods/log request (422 for bad values, as upstream). */
export function logQuery(query: URLSearchParams, name: string): URLSearchParams {
  const tailLines = int(query, 'tailLines');
  const limitBytes = int(query, 'limitBytes');
  const sinceSeconds = int(query, 'sinceSeconds');
  const sinceTime = query.get('sinceTime') || undefined;
  const causes: { field: string; message: string; reason?: string }[] = [];
  if (tailLines !== undefined && tailLines < 0) causes.push({ field: 'tailLines', message: `Invalid value: ${tailLines}: must be greater than or equal to 0` });
  if (limitBytes !== undefined && limitBytes < 1) causes.push({ field: 'limitBytes', message: `Invalid value: ${limitBytes}: must be greater than 0` });
  if (sinceSeconds !== undefined && sinceTime !== undefined) causes.push({ field: '', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified', reason: 'FieldValueForbidden' });
  if (sinceSeconds !== undefined && sinceSeconds < 1) causes.push({ field: 'sinceSeconds', message: `Invalid value: ${sinceSeconds}: must be greater than 0` });
  if (sinceTime !== undefined && Number.isNaN(Date.parse(sinceTime))) throw badRequest(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTime)} as "2006"`);
  if (causes.length) throw invalid('PodLogOptions', name, causes);
  const out = new URLSearchParams();
  if (bool(query, 'follow')) out.set('follow', 'true');
  if (bool(query, 'previous')) out.set('previous', 'true');
  if (bool(query, 'timestamps')) out.set('timestamps', 'true');
  if (tailLines !== undefined) out.set('tailLines', String(tailLines));
  if (limitBytes !== undefined) out.set('limitBytes', String(limitBytes));
  if (sinceSeconds !== undefined) out.set('sinceSeconds', String(sinceSeconds));
  if (sinceTime !== undefined) out.set('sinceTime', sinceTime);
  return out;
}

/** The kubelet's query for exec and attach: commands and which streams (at least one). */
export function streamQuery(query: URLSearchParams, exec: boolean): URLSearchParams {
  const out = new URLSearchParams();
  const streams = ['stdin', 'stdout', 'stderr'].filter((s) => bool(query, s));
  if (streams.length === 0) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  for (const s of streams) out.set(s, 'true');
  const tty = bool(query, 'tty');
  if (tty) out.set('tty', 'true');
  if (exec) {
    const cmd = query.getAll('command');
    if (cmd.length === 0) throw badRequest('you must specify a command');
    for (const c of cmd) out.append('command', c);
  }
  return out;
}

/** The kubelet's query for port-forward: the ports asked for (WebSocket clients name them here). */
export function portForwardQuery(query: URLSearchParams, name: string): URLSearchParams {
  const out = new URLSearchParams();
  const ports = query.getAll('ports').flatMap((p) => p.split(',')).filter(Boolean);
  ports.forEach((p, i) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 1 || n > 65535) throw invalid('PodPortForwardOptions', name, [{ field: `ports[${i}]`, message: `Invalid value: ${JSON.stringify(p)}: must be between 1 and 65535, inclusive` }]);
    out.append('port', String(n));
  });
  return out;
}

export function nodeNameOf(pod: KubeObject): string {
  return specOf(pod).nodeName ?? '';
}
