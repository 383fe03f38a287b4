import type { ResourceType } from '../../types.ts';
import { ALL, status, strField } from '../../builtin.ts';
import { certificateSigningRequestTable } from './table.ts';
import { certificateSigningRequestStrategy } from './strategy.ts';

// CertificateSigningRequest: a request for a signed X.509 certificate.
export const certificateSigningRequests: ResourceType = {
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  plural: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  namespaced: false,
  shortNames: ['csr'],
  verbs: ALL,
  subresources: [
    { name: 'approval', kind: 'CertificateSigningRequest', verbs: ['get', 'patch', 'update'] },
    status('CertificateSigningRequest'),
  ],
  openapiName: 'io.k8s.api.certificates.v1.CertificateSigningRequest',
  hasStatus: true,
  fieldSelectors: {
    'spec.signerName': strField('spec.signerName'),
  },
  table: certificateSigningRequestTable,
  strategy: certificateSigningRequestStrategy,
};
