// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy, as the strategy and the
// ValidatingAdmissionPolicy admission plugin read it.

import type { KubeObject } from '../../types.ts';
import type { MatchCondition, MatchResources } from '../rules.ts';

export interface Validation { expression?: string; message?: string; messageExpression?: string; reason?: string }
export interface AuditAnnotation { key?: string; valueExpression?: string }
export interface Variable { name?: string; expression?: string }

export interface PolicySpec {
  failurePolicy?: string;
  paramKind?: { apiVersion?: string; kind?: string };
  matchConstraints?: MatchResources;
  matchConditions?: MatchCondition[];
  validations?: Validation[];
  auditAnnotations?: AuditAnnotation[];
  variables?: Variable[];
}

export type ValidatingAdmissionPolicy = KubeObject & { spec?: PolicySpec };
