// PriorityLevelConfiguration strategy: upstream's v1 defaults (limited: nominalConcurrencyShares
// 30, lendablePercent 0; queuing: handSize 8, queues 64, queueLengthLimit 50; exempt: 0 and 0)
// and validation. Only the level named "exempt" may be of type Exempt.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { validateConditions } from '../rules.ts';

interface Queuing { handSize?: number; queues?: number; queueLengthLimit?: number }
interface Limited {
  nominalConcurrencyShares?: number;
  lendablePercent?: number;
  borrowingLimitPercent?: number;
  limitResponse?: { type?: string; queuing?: Queuing };
}
interface Exempt { nominalConcurrencyShares?: number; lendablePercent?: number }
interface Spec { type?: string; limited?: Limited; exempt?: Exempt }
type Level = KubeObject & { spec?: Spec; status?: { conditions?: { type?: string }[] } };

const MAX_QUEUES = 10_000_000;
const MAX_HASH_BITS = 60;

export function defaultPriorityLevel(s: Spec): void {
  if (s.limited) {
    s.limited.nominalConcurrencyShares ??= 30;
    s.limited.lendablePercent ??= 0;
    const q = s.limited.limitResponse?.queuing;
    if (q) {
      if (!q.handSize) q.handSize = 8;
      if (!q.queues) q.queues = 64;
      if (!q.queueLengthLimit) q.queueLengthLimit = 50;
    }
  }
  if (s.exempt) {
    s.exempt.nominalConcurrencyShares ??= 0;
    s.exempt.lendablePercent ??= 0;
  }
}

function validateShares(o: { nominalConcurrencyShares?: number; lendablePercent?: number }, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const n = o.nominalConcurrencyShares ?? 0;
  if (n < 0) errs.push(fieldError.invalid(`${path}.nominalConcurrencyShares`, n, 'must be a non-negative integer'));
  const lp = o.lendablePercent;
  if (lp !== undefined && lp !== null && (lp < 0 || lp > 100)) errs.push(fieldError.invalid(`${path}.lendablePercent`, lp, 'must be between 0 and 100, inclusive'));
  return errs;
}

function validateQueuing(q: Queuing, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const { queueLengthLimit: qll = 0, queues = 0, handSize = 0 } = q;
  if (qll <= 0) errs.push(fieldError.invalid(`${path}.queueLengthLimit`, qll, 'must be positive'));
  if (queues <= 0) errs.push(fieldError.invalid(`${path}.queues`, queues, 'must be positive'));
  else if (queues > MAX_QUEUES) errs.push(fieldError.invalid(`${path}.queues`, queues, `must not be greater than ${MAX_QUEUES}`));
  if (handSize <= 0) errs.push(fieldError.invalid(`${path}.handSize`, handSize, 'must be positive'));
  else if (handSize > queues) errs.push(fieldError.invalid(`${path}.handSize`, handSize, `should not be greater than queues (${queues})`));
  else if (Math.ceil(Math.log2(queues) * handSize) > MAX_HASH_BITS) {
    errs.push(fieldError.invalid(`${path}.handSize`, handSize, `required entropy bits of deckSize ${queues} and handSize ${handSize} should not be greater than ${MAX_HASH_BITS}`));
  }
  return errs;
}

function validateLimited(l: Limited, path: string): FieldError[] {
  const errs = validateShares(l, path);
  const b = l.borrowingLimitPercent;
  if (b !== undefined && b !== null && b < 0) errs.push(fieldError.invalid(`${path}.borrowingLimitPercent`, b, 'if specified, must be a non-negative integer'));
  const lr = l.limitResponse ?? {};
  const p = `${path}.limitResponse`;
  if (lr.type === 'Reject') {
    if (lr.queuing) errs.push(fieldError.forbidden(`${p}.queuing`, 'must be nil if limited.limitResponse.type is not Limited'));
  } else if (lr.type === 'Queue') {
    if (!lr.queuing) errs.push(fieldError.required(`${p}.queuing`, 'must not be empty if limited.limitResponse.type is Limited'));
    else errs.push(...validateQueuing(lr.queuing, `${p}.queuing`));
  } else errs.push(fieldError.notSupported(`${p}.type`, lr.type ?? '', ['Queue', 'Reject']));
  return errs;
}

export function validatePriorityLevel(pl: Level): FieldError[] {
  const s = pl.spec ?? {};
  const errs: FieldError[] = [];
  if ((pl.metadata?.name === 'exempt') !== (s.type === 'Exempt')) errs.push(fieldError.invalid('spec.type', s.type ?? '', "type must be 'Exempt' if and only if name is 'exempt'"));
  if (s.type === 'Exempt') {
    if (s.limited) errs.push(fieldError.forbidden('spec.limited', 'must be nil if the type is not Limited'));
    if (s.exempt) errs.push(...validateShares(s.exempt, 'spec.exempt'));
  } else if (s.type === 'Limited') {
    if (s.exempt) errs.push(fieldError.forbidden('spec.exempt', 'must be nil if the type is Limited'));
    if (!s.limited) errs.push(fieldError.required('spec.limited', 'must not be empty when type is Limited'));
    else errs.push(...validateLimited(s.limited, 'spec.limited'));
  } else errs.push(fieldError.notSupported('spec.type', s.type ?? '', ['Exempt', 'Limited']));
  return [...errs, ...validateConditions(pl.status?.conditions)];
}

export const priorityLevelConfigurationStrategy = simpleStrategy<Level>({
  namespaced: false,
  generation: true,
  initialStatus: () => ({}),
  defaults: (pl) => defaultPriorityLevel((pl.spec ??= {})),
  validate: validatePriorityLevel,
});
