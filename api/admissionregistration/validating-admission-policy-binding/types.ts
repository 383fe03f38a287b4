// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding, as the strategy and the
// ValidatingAdmissionPolicy admission plugin read it.

import type { LabelSelector } from '../../meta/labels.ts';
import type { KubeObject } from '../../types.ts';
import type { MatchResources } from '../rules.ts';

export interface ParamRef { name?: string; namespace?: string; selector?: LabelSelector; parameterNotFoundAction?: string }
export interface BindingSpec { policyName?: string; paramRef?: ParamRef; matchResources?: MatchResources; validationActions?: string[] }

export type ValidatingAdmissionPolicyBinding = KubeObject & { spec?: BindingSpec };
