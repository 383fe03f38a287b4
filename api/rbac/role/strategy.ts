// Role strategy: path-segment names, namespaced resource rules.

import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { validateRules, type PolicyRule } from '../validation.ts';

export const roleStrategy = simpleStrategy<KubeObject & { rules?: PolicyRule[] }>({
  namespaced: true,
  nameRule: 'path-segment',
  validate: (r) => validateRules(r.rules, true),
});
