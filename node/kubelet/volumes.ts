// A pod's volumes as directories on the node, under DATA_DIR/pods/<uid>/volumes/<name>:
// emptyDir (a fresh directory; a tmpfs for medium Memory: memory-volume.ts), hostPath (the host's own path, created for
// DirectoryOrCreate/FileOrCreate), configMap, secret, downwardAPI and projected (those
// three plus a service-account token from the TokenRequest API, or the legacy token Secret
// where that API is not served) written as files with their modes. A missing source that is
// not optional is a ConfigError whose message is upstream's ("configmap "x" not found"); the
// pod worker reports it as a FailedMount event and retries.

import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod, Volume } from '../../api/core/pod/types.ts';
import type { Client } from '../../client/types.ts';
import { ConfigError, keyData, SECRETS, SERVICE_ACCOUNTS } from './api-refs.ts';
import { resourceValue } from './env.ts';
import { claimPath } from './persistent-volumes.ts';
import { writeAtomically, writtenFile, type Files } from './atomic-writer.ts';
import { memoryVolumeSize, mountMemoryVolume } from './memory-volume.ts';

export interface VolumeContext {
  client: Client;
  pod: Pod;
  /** DATA_DIR/pods/<uid>. */
  podDir: string;
  /** PEM of the cluster CA, for kube-root-ca.crt when the ConfigMap is not published yet. */
  caPem?: string;
  allocatable: { cpu: number; memory: number };
  /** A refresh of volumes a running pod has: a projected token already written is kept. */
  refresh?: boolean;
}

/** Where each volume is on the node, by name. */
export type VolumePaths = Map<string, string>;

interface KeyToPath {
  key?: string;
  path?: string;
  mode?: number;
}
interface FileSource {
  name?: string;
  items?: KeyToPath[];
  optional?: boolean;
  defaultMode?: number;
}
interface DownwardItem {
  path?: string;
  mode?: number;
  fieldRef?: { fieldPath?: string };
  resourceFieldRef?: { containerName?: string; resource?: string; divisor?: string | number };
}


function keyFiles(files: Files, data: Record<string, Buffer>, src: FileSource, kind: string, defaultMode: number): void {
  if (src.items?.length) {
    for (const it of src.items) {
      const v = it.key !== undefined ? data[it.key] : undefined;
      if (v === undefined) {
        if (src.optional) continue;
        throw new ConfigError(kind === 'secret' ? `references non-existent secret key: ${it.key}` : `configmap references non-existent config key: ${it.key}`);
      }
      files.set(it.path ?? it.key!, { data: v, mode: it.mode ?? defaultMode });
    }
    return;
  }
  for (const [k, v] of Object.entries(data)) files.set(k, { data: v, mode: defaultMode });
}

async function source(ctx: VolumeContext, files: Files, kind: 'configmap' | 'secret', src: FileSource, defaultMode: number): Promise<void> {
  const ns = ctx.pod.metadata?.namespace ?? 'default';
  let data = src.name ? await keyData(ctx.client, kind, ns, src.name) : undefined;
  if (!data && kind === 'configmap' && src.name === 'kube-root-ca.crt' && ctx.caPem) data = { 'ca.crt': Buffer.from(ctx.caPem) };
  if (!data) {
    if (src.optional) return;
    throw new ConfigError(`${kind} "${src.name}" not found`);
  }
  keyFiles(files, data, src, kind, defaultMode);
}

function downward(ctx: VolumeContext, files: Files, items: DownwardItem[], defaultMode: number): void {
  const meta = ctx.pod.metadata ?? {};
  const kv = (m: Record<string, string> | undefined) =>
    Object.entries(m ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join('\n');
  for (const it of items) {
    if (!it.path) continue;
    let value = '';
    const f = it.fieldRef?.fieldPath;
    if (f === 'metadata.labels') value = kv(meta.labels);
    else if (f === 'metadata.annotations') value = kv(meta.annotations);
    else if (f === 'metadata.name') value = meta.name ?? '';
    else if (f === 'metadata.namespace') value = meta.namespace ?? '';
    else if (f === 'metadata.uid') value = meta.uid ?? '';
    else if (f) {
      const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(f);
      value = m ? ((m[1] === 'labels' ? meta.labels : meta.annotations)?.[m[2]] ?? '') : '';
    } else if (it.resourceFieldRef?.resource) {
      const c = ctx.pod.spec?.containers?.find((x) => x.name === it.resourceFieldRef!.containerName) ?? ctx.pod.spec?.containers?.[0] ?? {};
      value = resourceValue(c, it.resourceFieldRef.resource, it.resourceFieldRef.divisor, ctx.allocatable);
    }
    files.set(it.path, { data: Buffer.from(value), mode: it.mode ?? defaultMode });
  }
}

/** A token for the pod's service account: TokenRequest bound to the pod, else the legacy token Secret. */
async function serviceAccountToken(ctx: VolumeContext, audience: string | undefined, expirationSeconds: number): Promise<string> {
  const ns = ctx.pod.metadata?.namespace ?? 'default';
  const sa = ctx.pod.spec?.serviceAccountName ?? 'default';
  const request = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { audiences: audience ? [audience] : [], expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: ctx.pod.metadata?.name, uid: ctx.pod.metadata?.uid } },
  };
  try {
    const res = await ctx.client.create(SERVICE_ACCOUNTS, ns, request, { subresource: 'token', name: sa });
    const token = (res as { status?: { token?: string } }).status?.token;
    if (token) return token;
  } catch (e) {
    const code = (e as { code?: number }).code;
    if (code !== 404 && code !== 405) throw new ConfigError(`failed to fetch token: ${(e as Error).message}`);
  }
  const secrets = await ctx.client.list(SECRETS, ns);
  for (const s of secrets.items) {
    const o = s as { type?: string; data?: Record<string, string> };
    if (o.type === 'kubernetes.io/service-account-token' && s.metadata?.annotations?.['kubernetes.io/service-account.name'] === sa && o.data?.token) {
      return Buffer.from(o.data.token, 'base64').toString('utf8');
    }
  }
  throw new ConfigError(`failed to fetch token: serviceaccounts "${sa}" has no token: the TokenRequest API is not served and no token Secret exists`);
}

async function projected(ctx: VolumeContext, files: Files, p: { sources?: Record<string, unknown>[]; defaultMode?: number }, dir: string): Promise<void> {
  const mode = p.defaultMode ?? 0o644;
  for (const s of p.sources ?? []) {
    if (s.configMap) await source(ctx, files, 'configmap', s.configMap as FileSource, mode);
    else if (s.secret) await source(ctx, files, 'secret', s.secret as FileSource, mode);
    else if (s.downwardAPI) downward(ctx, files, ((s.downwardAPI as { items?: DownwardItem[] }).items ?? []), mode);
    else if (s.serviceAccountToken) {
      const t = s.serviceAccountToken as { audience?: string; expirationSeconds?: number; path?: string };
      const path = t.path ?? 'token';
      const kept = ctx.refresh ? writtenFile(dir, path) : undefined;
      files.set(path, { data: kept ?? Buffer.from(await serviceAccountToken(ctx, t.audience, t.expirationSeconds ?? 3607)), mode: 0o600 });
    }
  }
}


/** The files of a configMap, secret, downwardAPI or projected volume; undefined for other kinds. */
async function volumeFiles(ctx: VolumeContext, v: Volume, dir: string): Promise<Files | undefined> {
  const files: Files = new Map();
  if (v.configMap) await source(ctx, files, 'configmap', v.configMap as FileSource, (v.configMap as FileSource).defaultMode ?? 0o644);
  else if (v.secret) {
    const s = v.secret as FileSource & { secretName?: string };
    await source(ctx, files, 'secret', { ...s, name: s.secretName }, s.defaultMode ?? 0o644);
  } else if (v.downwardAPI) downward(ctx, files, (v.downwardAPI as { items?: DownwardItem[] }).items ?? [], (v.downwardAPI as { defaultMode?: number }).defaultMode ?? 0o644);
  else if (v.projected) await projected(ctx, files, v.projected as { sources?: Record<string, unknown>[]; defaultMode?: number }, dir);
  else return undefined;
  return files;
}

async function setUp(ctx: VolumeContext, v: Volume, dir: string): Promise<string> {
  const claim = (v as { persistentVolumeClaim?: { claimName?: string } }).persistentVolumeClaim;
  if (claim?.claimName) return claimPath(ctx.client, ctx.pod.metadata?.namespace ?? 'default', claim.claimName);
  if (v.hostPath) {
    const hp = v.hostPath as { path?: string; type?: string };
    if (!hp.path) throw new ConfigError('hostPath has no path');
    if (hp.type === 'DirectoryOrCreate') mkdirSync(hp.path, { recursive: true, mode: 0o755 });
    else if (hp.type === 'FileOrCreate' && !existsSync(hp.path)) writeFileSync(hp.path, '', { mode: 0o644 });
    else if ((hp.type === 'Directory' || hp.type === 'File') && !existsSync(hp.path)) throw new ConfigError(`hostPath type check failed: ${hp.path} is not a ${hp.type.toLowerCase()}`);
    return hp.path;
  }
  const files = await volumeFiles(ctx, v, dir);
  if (files) {
    writeFiles(dir, files);
    return dir;
  }
  const emptyDir = v.emptyDir as { medium?: string; sizeLimit?: unknown } | undefined;
  if (emptyDir?.medium === 'Memory') {
    await mountMemoryVolume(dir, memoryVolumeSize(ctx.pod, emptyDir.sizeLimit, ctx.allocatable.memory));
    return dir;
  }
  // emptyDir, and any other source the node has no driver for, is a fresh directory that lives as long as the pod.
  mkdirSync(dir, { recursive: true, mode: 0o777 });
  chmodSync(dir, 0o777);
  return dir;
}

function writeFiles(dir: string, files: Files): void {
  try {
    writeAtomically(dir, files);
  } catch (e) {
    throw e instanceof ConfigError ? e : new ConfigError((e as Error).message);
  }
}

/**
 * Writes again the configMap, secret, downwardAPI and projected volumes of a running pod from
 * what the API holds now (upstream does it within the kubelet's sync period); returns the
 * volumes whose files changed. A source gone or failing keeps the files it had and is reported.
 */
export async function refreshVolumes(ctx: VolumeContext, paths: VolumePaths, failed: (message: string) => void): Promise<string[]> {
  const changed: string[] = [];
  for (const v of ctx.pod.spec?.volumes ?? []) {
    const dir = v.name ? paths.get(v.name) : undefined;
    if (!dir || !(v.configMap || v.secret || v.downwardAPI || v.projected)) continue;
    try {
      const files = await volumeFiles({ ...ctx, refresh: true }, v, dir);
      if (files && writeAtomically(dir, files)) changed.push(v.name!);
    } catch (e) {
      failed(`MountVolume.SetUp failed for volume "${v.name}" : ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return changed;
}

/** Sets up every volume of the pod; a failure names its volume (upstream's FailedMount message). */
export async function setUpVolumes(ctx: VolumeContext, existing?: VolumePaths): Promise<VolumePaths> {
  const out: VolumePaths = new Map();
  for (const v of ctx.pod.spec?.volumes ?? []) {
    if (!v.name) continue;
    const known = existing?.get(v.name);
    // Volumes are set up once per pod; emptyDir and file contents keep what the containers wrote.
    if (known) {
      out.set(v.name, known);
      continue;
    }
    try {
      out.set(v.name, await setUp(ctx, v, join(ctx.podDir, 'volumes', v.name)));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new ConfigError(`MountVolume.SetUp failed for volume "${v.name}" : ${msg}`);
    }
  }
  return out;
}
