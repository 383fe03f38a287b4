// ConfigMap strategy: valid keys, at most 1 MiB, frozen once `immutable` is true.

import { semanticEqual } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { MAX_DATA_SIZE, validateDataKeys, validateImmutableData } from './validation.ts';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

export const configMapStrategy = simpleStrategy<ConfigMap>({
  namespaced: true,
  validate: (cm) =>
    validateDataKeys(
      [['data', cm.data], ['binaryData', cm.binaryData]],
      (field, v) => (field === 'binaryData' ? Buffer.from(v, 'base64').length : Buffer.byteLength(v)),
      { field: '', max: MAX_DATA_SIZE },
    ),
  validateUpdate: (cm, old) => validateImmutableData(cm, old, ['data', 'binaryData'], semanticEqual),
});
