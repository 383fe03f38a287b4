// ClusterRoleBinding strategy: a ClusterRole reference that never changes; service account
// subjects must name their namespace.

import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { defaultBinding, validateRoleRef, validateRoleRefUpdate, validateSubjects, type RoleRef, type Subject } from '../validation.ts';

type Binding = KubeObject & { roleRef?: RoleRef; subjects?: Subject[] };

export const clusterRoleBindingStrategy = simpleStrategy<Binding>({
  namespaced: false,
  nameRule: 'path-segment',
  defaults: defaultBinding,
  validate: (b) => [...validateRoleRef(b.roleRef, false), ...validateSubjects(b.subjects, false)],
  validateUpdate: (b, old) => validateRoleRefUpdate(b.roleRef, old.roleRef),
});
