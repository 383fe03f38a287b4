// RoleBinding strategy: a Role or ClusterRole reference that never changes, valid subjects.

import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { defaultBinding, validateRoleRef, validateRoleRefUpdate, validateSubjects, type RoleRef, type Subject } from '../validation.ts';

type Binding = KubeObject & { roleRef?: RoleRef; subjects?: Subject[] };

export const roleBindingStrategy = simpleStrategy<Binding>({
  namespaced: true,
  nameRule: 'path-segment',
  defaults: defaultBinding,
  validate: (b) => [...validateRoleRef(b.roleRef, true), ...validateSubjects(b.subjects, true)],
  validateUpdate: (b, old) => validateRoleRefUpdate(b.roleRef, old.roleRef),
});
