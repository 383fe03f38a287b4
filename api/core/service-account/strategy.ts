// ServiceAccount strategy: DNS subdomain names; referenced secrets need names.

import { fieldError } from '../../meta/errors.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

interface ServiceAccount extends KubeObject {
  secrets?: Array<{ name?: string }>;
  imagePullSecrets?: Array<{ name?: string }>;
}

export const serviceAccountStrategy = simpleStrategy<ServiceAccount>({
  returnDeletedObject: true,
  namespaced: true,
  validate: (sa) =>
    (sa.imagePullSecrets ?? []).flatMap((s, i) => (s.name ? [] : [fieldError.required(`imagePullSecrets[${i}].name`)])),
});
