// pods/ephemeralcontainers (what `kubectl debug` patches): GET is the Pod; an update takes
// only spec.ephemeralContainers from the body, defaulted and validated as containers are
// (names unique pod-wide), and refuses to change or remove one that exists, as upstream's
// ValidatePodEphemeralContainersUpdate. The kubelet then starts the new ones.

import type { Container, Pod } from '../../../api/core/pod/types.ts';
import type { KubeObject } from '../../../api/types.ts';
import { conflict, fieldError, invalid, notFound, OPTIMISTIC_LOCK_MESSAGE, type FieldError } from '../../../api/meta/errors.ts';
import { defaultContainer } from '../../../api/core/pod/defaults.ts';
import { validateContainer } from '../../../api/core/pod/container-validation.ts';
import type { SubresourceHandler } from '../api-context.ts';
import type { SubresourceEnv } from './types.ts';

export const SUBRESOURCE = 'ephemeralcontainers';
const FIELD = 'spec.ephemeralContainers';

/** The new list's problems against the pod as stored (pure). */
export function ephemeralUpdateErrors(current: Pod, wanted: Container[]): FieldError[] {
  const errs: FieldError[] = [];
  const spec = current.spec ?? {};
  const existing = spec.ephemeralContainers ?? [];
  for (const old of existing) {
    const now = wanted.find((c) => c.name === old.name);
    if (!now) errs.push(fieldError.forbidden(FIELD, `existing ephemeral containers "${old.name}" may not be removed`));
    else if (JSON.stringify(now) !== JSON.stringify(old)) errs.push(fieldError.forbidden(FIELD, `existing ephemeral containers "${old.name}" may not be changed`));
  }
  const names = new Set([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name ?? ''));
  const volumes = new Set((spec.volumes ?? []).map((v) => v.name ?? ''));
  wanted.forEach((c, i) => {
    if (existing.some((o) => o.name === c.name)) return void names.add(c.name ?? '');
    errs.push(...validateContainer(c, `${FIELD}[${i}]`, 'ephemeralContainers', { names, volumes, hostNetwork: !!spec.hostNetwork }));
    const target = (c as { targetContainerName?: string }).targetContainerName;
    if (target && !(spec.containers ?? []).some((x) => x.name === target) && !(spec.initContainers ?? []).some((x) => x.name === target)) {
      errs.push(fieldError.notFound(`${FIELD}[${i}].targetContainerName`, target));
    }
  });
  return errs;
}

export function podEphemeralContainersHandler({ engine }: SubresourceEnv): SubresourceHandler {
  return {
    get: (ctx, name) => engine.get(ctx, name),
    update: async (ctx, name, body: KubeObject) => {
      const rv = body.metadata?.resourceVersion;
      const wanted = (((body as Pod).spec?.ephemeralContainers ?? []) as Container[]).map((c) => ({ ...c }));
      const r = await engine.updateWith(ctx, name, (cur) => {
        if (!cur) throw notFound(engine.gr, name);
        if (rv && rv !== '0' && rv !== cur.metadata?.resourceVersion) throw conflict(engine.gr, name, OPTIMISTIC_LOCK_MESSAGE);
        const pod = cur as Pod;
        const known = new Set((pod.spec?.ephemeralContainers ?? []).map((c) => c.name));
        for (const c of wanted) if (!known.has(c.name)) defaultContainer(c, !!pod.spec?.hostNetwork);
        const errs = ephemeralUpdateErrors(pod, wanted);
        if (errs.length) throw invalid('Pod', '', name, errs);
        pod.spec = { ...pod.spec, ephemeralContainers: wanted };
        return pod;
      }, SUBRESOURCE, false);
      return { object: r.object, created: false };
    },
  };
}
