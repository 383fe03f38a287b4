// Secret strategy: type Opaque by default and fixed once set, stringData folded into data,
// required keys per type, valid keys, at most 1 MiB, frozen once `immutable` is true.

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { semanticEqual, validateImmutable } from '../../meta/validation.ts';
import { simpleStrategy } from '../../strategy-kit.ts';
import type { KubeObject } from '../../types.ts';
import { MAX_DATA_SIZE, validateDataKeys, validateImmutableData } from '../config-map/validation.ts';

interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
}

export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.key', 'tls.crt'],
};

export function defaultSecret(s: Secret): void {
  s.type ||= 'Opaque';
  if (s.stringData) {
    s.data ??= {};
    for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(v, 'utf8').toString('base64');
    delete s.stringData;
  }
}

export function validateSecret(s: Secret): FieldError[] {
  const errs = validateDataKeys([['data', s.data]], (_, v) => Buffer.from(v, 'base64').length, { field: 'data', max: MAX_DATA_SIZE });
  const data = s.data ?? {};
  for (const k of REQUIRED_KEYS[s.type ?? ''] ?? []) if (data[k] === undefined) errs.push(fieldError.required(`data[${k}]`));
  if (s.type === 'kubernetes.io/service-account-token' && !s.metadata?.annotations?.[SA_NAME_ANNOTATION]) {
    errs.push(fieldError.required(`metadata.annotations[${SA_NAME_ANNOTATION}]`));
  }
  if (s.type === 'kubernetes.io/basic-auth' && data.username === undefined && data.password === undefined) {
    errs.push(fieldError.required('data[username]'), fieldError.required('data[password]'));
  }
  return errs;
}

export const secretStrategy = simpleStrategy<Secret>({
  namespaced: true,
  defaults: defaultSecret,
  validate: validateSecret,
  validateUpdate: (s, old) => [
    ...validateImmutable(s.type, old.type, 'type'),
    ...validateImmutableData(s, old, ['data'], semanticEqual),
  ],
});
