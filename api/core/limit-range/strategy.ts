// LimitRange strategy: each limit has a type and quantities.

import { type FieldError } from '../../meta/errors.ts';
import { validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { validateQuantities } from '../resource-quota/strategy.ts';

type Limit = Record<string, unknown> & { type?: string };
interface LimitRange extends KubeObject {
  spec?: { limits?: Limit[] };
}

export const limitRangeStrategy = simpleStrategy<LimitRange>({
  namespaced: true,
  validate: (lr) =>
    (lr.spec?.limits ?? []).flatMap((l, i): FieldError[] => [
      ...validateEnum(l.type, ['Container', 'Pod', 'PersistentVolumeClaim'], `spec.limits[${i}].type`, true),
      ...['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'].flatMap((k) =>
        validateQuantities(l[k] as Record<string, string> | undefined, `spec.limits[${i}].${k}`),
      ),
    ]),
});
