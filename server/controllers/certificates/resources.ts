// The resource the certificate controllers work on.

import { Registry } from '../../../api/registry.ts';

const rt = new Registry().get('certificates.k8s.io', 'v1', 'certificatesigningrequests');
if (!rt) throw new Error('certificatesigningrequests is not registered');

export const R = { csrs: rt } as const;
