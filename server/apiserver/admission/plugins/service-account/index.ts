// ServiceAccount: a new pod runs as the namespace's "default" service account unless it names
// one (spec.serviceAccount is the deprecated alias, kept equal).

import type { AdmissionPlugin } from '../../types.ts';
import { podCreatePlugin } from '../pods.ts';

export const NAME = 'ServiceAccount';

export function serviceAccount(): AdmissionPlugin {
  return podCreatePlugin(NAME, (spec) => {
    spec.serviceAccountName ||= spec.serviceAccount || 'default';
    spec.serviceAccount = spec.serviceAccountName;
  });
}
