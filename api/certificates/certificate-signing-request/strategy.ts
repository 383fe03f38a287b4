// CertificateSigningRequest strategy: a PEM CERTIFICATE REQUEST, a signer name and known
// usages; status starts empty; the requesting user (username, uid, groups, extra) is stamped
// into spec on create and kept on update, as upstream does: approvers trust it.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isQualifiedName, validateEnum } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';

type CSR = KubeObject & {
  spec?: { request?: string; signerName?: string; usages?: string[]; expirationSeconds?: number; username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
};

export const KEY_USAGES = [
  'signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment',
  'cert sign', 'crl sign', 'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing',
  'email protection', 's/mime', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing',
  'microsoft sgc', 'netscape sgc',
];

export function validateCSR(csr: CSR): FieldError[] {
  const spec = csr.spec ?? {};
  const errs: FieldError[] = [];
  const pem = spec.request ? Buffer.from(spec.request, 'base64').toString('utf8') : '';
  if (!spec.request) errs.push(fieldError.required('spec.request'));
  else if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(pem)) {
    errs.push(fieldError.invalid('spec.request', '<request>', 'PEM block type must be CERTIFICATE REQUEST'));
  }
  if (!spec.signerName) errs.push(fieldError.required('spec.signerName'));
  else {
    const parts = spec.signerName.split('/');
    if (parts.length < 2 || isQualifiedName(`${parts[0]}/x`).length > 0) {
      errs.push(fieldError.invalid('spec.signerName', spec.signerName, 'should be a domain-prefixed path (e.g. example.com/signer-name)'));
    }
  }
  (spec.usages ?? []).forEach((u, i) => errs.push(...validateEnum(u, KEY_USAGES, `spec.usages[${i}]`)));
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds < 600) {
    errs.push(fieldError.invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  return errs;
}

export const certificateSigningRequestStrategy = simpleStrategy<CSR>({
  namespaced: false,
  nameRule: 'path-segment',
  initialStatus: () => ({}),
  validate: validateCSR,
  prepareForCreate(obj, ctx) {
    const spec = (obj.spec ??= {});
    delete spec.username;
    delete spec.uid;
    delete spec.groups;
    delete spec.extra;
    if (!ctx.user) return;
    spec.username = ctx.user.username;
    if (ctx.user.uid) spec.uid = ctx.user.uid;
    spec.groups = [...ctx.user.groups];
    if (ctx.user.extra && Object.keys(ctx.user.extra).length) spec.extra = ctx.user.extra;
  },
  prepareForUpdate(obj, old) {
    const spec = (obj.spec ??= {});
    const prev = old.spec ?? {};
    for (const k of ['username', 'uid', 'groups', 'extra'] as const) {
      if (prev[k] === undefined) delete spec[k];
      else (spec as Record<string, unknown>)[k] = prev[k];
    }
  },
});
