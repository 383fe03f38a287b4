import test from 'ava';
import { apiServices } from './index.ts';

const ctx = { now: new Date(0) };
const s = apiServices.strategy!;
const errors = (obj: Record<string, unknown>) => s.validate!(obj).map((e) => `${e.field}: ${e.detail}`);

test('APIService: service port 443 by default, status starts empty, a local one is valid', (t) => {
  const remote = { metadata: { name: 'v1beta1.metrics.k8s.io' }, spec: { group: 'metrics.k8s.io', version: 'v1beta1', service: { namespace: 'kube-system', name: 'metrics-server' }, groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true }, status: { conditions: [] } };
  s.prepareForCreate!(remote, ctx);
  t.like(remote, { spec: { service: { port: 443 } }, status: {} });
  t.deepEqual(remote.status, {});
  t.deepEqual(errors(remote), []);
  t.deepEqual(errors({ metadata: { name: 'v1.' }, spec: { version: 'v1', groupPriorityMinimum: 18000, versionPriority: 1 } }), []);
});

test('APIService validation: name, priorities, local services', (t) => {
  t.deepEqual(errors({ metadata: { name: 'v1.example.com' }, spec: { group: 'example.com', version: 'v2', groupPriorityMinimum: 0, versionPriority: 1001, insecureSkipTLSVerify: true } }), [
    'metadata.name: Invalid value: "v1.example.com": must be `spec.version+"."+spec.group`: "v2.example.com"',
    'spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000',
    'spec.versionPriority: Invalid value: 1001: must be positive and less than 1000',
    'spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify',
  ]);
  t.deepEqual(errors({ metadata: { name: 'v2.' }, spec: { version: 'v2', groupPriorityMinimum: 1, versionPriority: 1 } }), ['spec.group: Required value: only v1 may have an empty group and it better be legacy kube']);
});
