// IngressClass strategy: a controller name (domain-prefixed path) that never changes.

import { fieldError } from '../../meta/errors.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

type IngressClass = KubeObject & { spec?: { controller?: string; parameters?: { kind?: string; name?: string } } };

export const ingressClassStrategy = simpleStrategy<IngressClass>({
  namespaced: false,
  generation: true,
  validate: (ic) => {
    const c = ic.spec?.controller;
    if (!c) return [fieldError.required('spec.controller')];
    return c.length > 250 ? [fieldError.tooLong('spec.controller', 250)] : [];
  },
  validateUpdate: (ic, old) =>
    ic.spec?.controller !== old.spec?.controller ? [fieldError.invalid('spec.controller', ic.spec?.controller ?? '', 'field is immutable')] : [],
});
