// A namespace's PodSecurity policy from its labels, as upstream's PolicyToEvaluate: three modes
// (enforce, audit, warn), each a level and a version. No label: privileged:latest (nothing is
// exempt, nothing is checked). A label that does not parse is an error on the namespace write;
// on a pod it fails closed for enforce (restricted) and open for audit and warn (privileged).

import { fieldError, type FieldError } from '../../../../../api/meta/errors.ts';
import type { Level } from './checks.ts';

export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
export const MODES = ['enforce', 'audit', 'warn'] as const;
export type Mode = (typeof MODES)[number];
/** Audit annotations upstream sets on the request's audit event. */
export const ENFORCED_POLICY_ANNOTATION = 'pod-security.kubernetes.io/enforce-policy';
export const AUDIT_VIOLATIONS_ANNOTATION = 'pod-security.kubernetes.io/audit-violations';

export interface LevelVersion {
  level: Level;
  version: string;
}
export type Policy = Record<Mode, LevelVersion>;

const LEVELS: Level[] = ['privileged', 'baseline', 'restricted'];
const VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;

export const levelVersionString = (lv: LevelVersion) => `${lv.level}:${lv.version}`;

/** The policy of a namespace's labels, and the errors of the labels that do not parse. */
export function policyOf(labels: Record<string, string> | undefined): { policy: Policy; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const policy = {} as Policy;
  for (const mode of MODES) {
    const lv: LevelVersion = { level: 'privileged', version: 'latest' };
    const levelKey = `${LABEL_PREFIX}${mode}`;
    const level = labels?.[levelKey];
    if (level !== undefined) {
      if ((LEVELS as string[]).includes(level)) lv.level = level as Level;
      else {
        lv.level = mode === 'enforce' ? 'restricted' : 'privileged';
        errors.push(fieldError.invalid(`metadata.labels[${levelKey}]`, level, `must be one of ${LEVELS.join(', ')}`));
      }
    }
    const versionKey = `${levelKey}-version`;
    const version = labels?.[versionKey];
    if (version !== undefined) {
      if (version === 'latest' || VERSION.test(version)) lv.version = version;
      else errors.push(fieldError.invalid(`metadata.labels[${versionKey}]`, version, 'must be "latest" or "v1.x"'));
    }
    policy[mode] = lv;
  }
  return { policy, errors };
}

/** -1, 0 or 1 as a is less strict than, as strict as, or stricter than b. */
export function compareLevels(a: Level, b: Level): number {
  return Math.sign(LEVELS.indexOf(a) - LEVELS.indexOf(b));
}
