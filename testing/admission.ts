// Attributes for admission tests: one request of a built-in resource.

import { StatusError } from '../api/meta/errors.ts';
import { Registry } from '../api/registry.ts';

const resources = new Registry().all();
import type { KubeObject } from '../api/types.ts';
import type { AdmissionDeps, Attributes, Operation } from '../server/apiserver/admission/types.ts';

export function attributes(op: Operation, plural: string, o: Partial<Attributes> & { object?: KubeObject; group?: string } = {}): Attributes {
  const resource = resources.find((r) => r.plural === plural && r.group === (o.group ?? ''));
  if (!resource) throw new Error(`no built-in resource ${plural}`);
  const obj = o.object ?? o.oldObject;
  return {
    operation: op,
    resource,
    subresource: '',
    name: obj?.metadata?.name ?? '',
    namespace: resource.namespaced ? (obj?.metadata?.namespace ?? 'default') : '',
    object: undefined,
    oldObject: undefined,
    user: { username: 'alice', groups: ['system:authenticated'] },
    dryRun: false,
    warnings: [],
    auditAnnotations: {},
    ...o,
  };
}

/** The StatusError a plugin phase throws, or undefined when it lets the request through. */
export async function refusal(phase: ((a: Attributes) => void | Promise<void>) | undefined, a: Attributes): Promise<StatusError | undefined> {
  try {
    await phase?.(a);
    return undefined;
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
}

/** Plugin deps for tests: what is not given reads nothing and refuses writes. */
export function admissionDeps(o: Partial<AdmissionDeps> = {}): AdmissionDeps {
  return {
    getObject: async () => undefined,
    listObjects: async () => [],
    updateObject: async () => {
      throw new Error('no writes in this test');
    },
    ...o,
  };
}
