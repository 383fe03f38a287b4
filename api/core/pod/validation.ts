// Pod spec validation shared by Pods and every pod template, and Pod create validation.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  validateEnum,
  validateLabels,
  validateObjectMeta,
} from '../../meta/validation.ts';
import { validateContainer, type ContainerContext } from './container-validation.ts';
import type { Pod, PodSpec, Toleration, Volume } from './types.ts';

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];
const MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

type Obj = Record<string, unknown>;

function validateMode(src: Obj, field: string): FieldError[] {
  const m = src.defaultMode;
  if (m === undefined) return [];
  return typeof m === 'number' && Number.isInteger(m) && m >= 0 && m <= 0o777 ? [] : [fieldError.invalid(`${field}.defaultMode`, m, MODE_ERROR)];
}

function validateVolume(v: Volume, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
  if (sources.length === 0) errs.push(fieldError.required(field, 'must specify a volume type'));
  for (const s of sources.slice(1)) errs.push(fieldError.forbidden(`${field}.${s}`, 'may not specify more than 1 volume type'));
  const src = (sources[0] ? v[sources[0]] : undefined) as Obj | undefined;
  if (!src || typeof src !== 'object') return errs;
  const p = `${field}.${sources[0]}`;
  const require = (k: string) => {
    if (!src[k]) errs.push(fieldError.required(`${p}.${k}`));
  };
  switch (sources[0]) {
    case 'configMap':
      require('name');
      errs.push(...validateMode(src, p));
      break;
    case 'secret':
      require('secretName');
      errs.push(...validateMode(src, p));
      break;
    case 'downwardAPI':
    case 'projected':
      errs.push(...validateMode(src, p));
      break;
    case 'hostPath':
      require('path');
      errs.push(...validateEnum(src.type, ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'], `${p}.type`));
      break;
    case 'persistentVolumeClaim':
      require('claimName');
      break;
    case 'nfs':
      require('server');
      require('path');
      break;
    case 'csi':
      require('driver');
      break;
    case 'emptyDir':
      errs.push(...validateEnum(src.medium, ['', 'Memory', 'HugePages'], `${p}.medium`));
      break;
  }
  return errs;
}

function validateTolerations(ts: Toleration[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  (ts ?? []).forEach((t, i) => {
    const p = `${field}[${i}]`;
    if (t.key) for (const m of isQualifiedName(t.key)) errs.push(fieldError.invalid(`${p}.key`, t.key, m));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(fieldError.invalid(`${p}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(fieldError.invalid(`${p}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (t.operator === 'Exists' && t.value) {
      errs.push(fieldError.invalid(`${p}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
    } else if (t.operator !== 'Exists') {
      errs.push(...validateEnum(t.operator, ['Equal', 'Exists'], `${p}.operator`));
    }
    errs.push(...validateEnum(t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'], `${p}.effect`));
  });
  return errs;
}

export interface PodSpecOptions {
  /** Restart policies the owner allows (templates: Always for workloads, OnFailure/Never for Jobs). */
  restartPolicies?: string[];
}

/** ValidatePodSpec: `field` is where the spec sits, e.g. 'spec' or 'spec.template.spec'. */
export function validatePodSpec(spec: PodSpec | undefined, field: string, opts: PodSpecOptions = {}): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const volumes = new Set<string>();
  (s.volumes ?? []).forEach((v, i) => {
    const p = `${field}.volumes[${i}]`;
    if (!v.name) errs.push(fieldError.required(`${p}.name`));
    else {
      for (const m of isDNS1123Label(v.name)) errs.push(fieldError.invalid(`${p}.name`, v.name, m));
      if (volumes.has(v.name)) errs.push(fieldError.duplicate(`${p}.name`, v.name));
      volumes.add(v.name);
    }
    errs.push(...validateVolume(v, p));
  });
  const ctx: ContainerContext = { volumes, names: new Set(), hostNetwork: s.hostNetwork === true };
  if (!s.containers || s.containers.length === 0) errs.push(fieldError.required(`${field}.containers`));
  (s.initContainers ?? []).forEach((c, i) => errs.push(...validateContainer(c, `${field}.initContainers[${i}]`, 'initContainers', ctx)));
  (s.containers ?? []).forEach((c, i) => errs.push(...validateContainer(c, `${field}.containers[${i}]`, 'containers', ctx)));
  (s.ephemeralContainers ?? []).forEach((c, i) =>
    errs.push(...validateContainer(c, `${field}.ephemeralContainers[${i}]`, 'ephemeralContainers', ctx)),
  );
  const hostPorts = new Set<string>();
  [...(s.initContainers ?? []), ...(s.containers ?? [])].forEach((c) =>
    (c.ports ?? []).forEach((p) => {
      if (!p.hostPort) return;
      const key = `${p.protocol ?? 'TCP'}/${p.hostIP ?? ''}/${p.hostPort}`;
      if (hostPorts.has(key)) errs.push(fieldError.duplicate(`${field}.containers[*].ports[*].hostPort`, `${p.hostPort}/${p.protocol ?? 'TCP'}`));
      hostPorts.add(key);
    }),
  );
  const policies = opts.restartPolicies ?? ['Always', 'OnFailure', 'Never'];
  if (!s.restartPolicy) errs.push(fieldError.required(`${field}.restartPolicy`, `valid values: ${policies.map((p) => `"${p}"`).join(', ')}`));
  else errs.push(...validateEnum(s.restartPolicy, policies, `${field}.restartPolicy`));
  errs.push(...validateEnum(s.dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'], `${field}.dnsPolicy`));
  if (s.dnsPolicy === 'None' && !s.dnsConfig) {
    errs.push(fieldError.required(`${field}.dnsConfig`, "must provide `dnsConfig` when `dnsPolicy` is None"));
  }
  if (s.activeDeadlineSeconds !== undefined && (!Number.isInteger(s.activeDeadlineSeconds) || s.activeDeadlineSeconds < 1 || s.activeDeadlineSeconds > 2147483647)) {
    errs.push(fieldError.invalid(`${field}.activeDeadlineSeconds`, s.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  errs.push(...validateLabels(s.nodeSelector, `${field}.nodeSelector`));
  for (const [k, rule] of [['serviceAccountName', isDNS1123Subdomain], ['nodeName', isDNS1123Subdomain], ['schedulerName', isDNS1123Subdomain], ['priorityClassName', isDNS1123Subdomain], ['hostname', isDNS1123Label], ['subdomain', isDNS1123Label]] as const) {
    const v = s[k];
    if (typeof v === 'string' && v !== '') for (const m of rule(v)) errs.push(fieldError.invalid(`${field}.${k}`, v, m));
  }
  errs.push(...validateTolerations(s.tolerations, `${field}.tolerations`));
  (s.imagePullSecrets ?? []).forEach((sec, i) => {
    if (!sec.name) errs.push(fieldError.required(`${field}.imagePullSecrets[${i}].name`));
  });
  errs.push(...validateEnum(s.preemptionPolicy, ['Never', 'PreemptLowerPriority'], `${field}.preemptionPolicy`));
  const gates = new Set<string>();
  (s.schedulingGates ?? []).forEach((g, i) => {
    const p = `${field}.schedulingGates[${i}].name`;
    for (const m of isQualifiedName(g.name ?? '')) errs.push(fieldError.invalid(p, g.name ?? '', m));
    if (g.name && gates.has(g.name)) errs.push(fieldError.duplicate(p, g.name));
    if (g.name) gates.add(g.name);
  });
  return errs;
}

/** Pod create: object meta (DNS subdomain names), spec, and no gates on a bound pod. */
export function validatePod(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, true, 'subdomain');
  errs.push(...validatePodSpec(pod.spec, 'spec'));
  if (pod.spec?.nodeName && (pod.spec.schedulingGates ?? []).length > 0) {
    errs.push(fieldError.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}
