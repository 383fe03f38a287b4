// DefaultTolerationSeconds: a new pod tolerates the not-ready and unreachable NoExecute taints
// for 300 s unless it already tolerates them, so a node's short outage does not evict it.

import type { AdmissionPlugin } from '../../types.ts';
import { podCreatePlugin } from '../pods.ts';
import { TAINT_NOT_READY as NOT_READY_TAINT, TAINT_UNREACHABLE as UNREACHABLE_TAINT } from '../../../../../api/core/node/taint-keys.ts';

export const NAME = 'DefaultTolerationSeconds';

export const DEFAULT_TOLERATION_SECONDS = 300;

export function defaultTolerationSeconds(): AdmissionPlugin {
  return podCreatePlugin(NAME, (spec) => {
    const tolerations = spec.tolerations ?? [];
    const tolerates = (key: string) =>
      tolerations.some((t) => (t.effect === undefined || t.effect === '' || t.effect === 'NoExecute') && ((t.operator === 'Exists' && !t.key) || t.key === key));
    const added = [NOT_READY_TAINT, UNREACHABLE_TAINT]
      .filter((key) => !tolerates(key))
      .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS }));
    if (added.length > 0) spec.tolerations = [...tolerations, ...added];
  });
}
