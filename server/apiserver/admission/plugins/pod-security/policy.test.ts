import test from 'ava';
import { policyOf } from './policy.ts';

test('no labels: privileged:latest in every mode', (t) => {
  const { policy, errors } = policyOf(undefined);
  t.deepEqual(policy.enforce, { level: 'privileged', version: 'latest' });
  t.deepEqual(errors, []);
});

test('levels and versions from the labels', (t) => {
  const { policy } = policyOf({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.29', 'pod-security.kubernetes.io/warn': 'restricted' });
  t.deepEqual(policy, { enforce: { level: 'baseline', version: 'v1.29' }, audit: { level: 'privileged', version: 'latest' }, warn: { level: 'restricted', version: 'latest' } });
});

test('a bad label fails closed for enforce, open for warn, and is an error', (t) => {
  const { policy, errors } = policyOf({ 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn': 'loud', 'pod-security.kubernetes.io/audit-version': '1.2' });
  t.is(policy.enforce.level, 'restricted');
  t.is(policy.warn.level, 'privileged');
  t.deepEqual(errors.map((e) => `${e.field}: ${e.detail}`), [
    'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
    'metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: "1.2": must be "latest" or "v1.x"',
    'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "loud": must be one of privileged, baseline, restricted',
  ]);
});
