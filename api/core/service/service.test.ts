import test from 'ava';
import type { KubeObject } from '../../types.ts';
import { serviceStrategy } from './strategy.ts';
import type { Service } from './validation.ts';

const ctx = { now: new Date(0) };
const create = (spec: Service['spec'], name = 'web'): Service => {
  const svc: Service = { metadata: { name, namespace: 'default' }, spec };
  serviceStrategy.prepareForCreate!(svc as KubeObject, ctx);
  return svc;
};
const errors = (svc: Service) => serviceStrategy.validate!(svc as KubeObject).map((e) => `${e.field}: ${e.detail}`);

test('service defaults: ClusterIP', (t) => {
  const svc = create({ selector: { app: 'web' }, ports: [{ port: 80 }] });
  t.deepEqual(svc.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  t.deepEqual(svc.status, { loadBalancer: {} });
  t.deepEqual(errors(svc), []);
});

test('service defaults: NodePort, LoadBalancer and ClientIP affinity', (t) => {
  const np = create({ type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] });
  t.is(np.spec?.externalTrafficPolicy, 'Cluster');
  t.is(np.spec?.ports?.[0].targetPort, 'http');
  const lb = create({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 443 }] });
  t.like(lb.spec, { allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Cluster', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } });
  const ext = create({ type: 'ExternalName', externalName: 'example.com' });
  t.is(ext.spec?.ipFamilies, undefined);
  t.deepEqual(errors(ext), []);
  const headless = create({ clusterIP: 'None' });
  t.deepEqual(headless.spec?.clusterIPs, ['None']);
  t.deepEqual(errors(headless), []);
});

const invalid: Array<[string, Service['spec'], string[], string?]> = [
  ['no ports', { selector: { a: 'b' } }, ['spec.ports: Required value']],
  ['unnamed ports', { ports: [{ port: 80 }, { port: 81, name: 'b' }] }, ['spec.ports[0].name: Required value']],
  ['port range', { ports: [{ port: 0 }] }, [
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
  ]],
  ['duplicate names', { ports: [{ port: 80, name: 'a' }, { port: 81, name: 'a' }] }, ['spec.ports[1].name: Duplicate value: "a"']],
  ['nodePort on ClusterIP', { ports: [{ port: 80, nodePort: 30000 }] }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
  ['bad type', { type: 'Magic', ports: [{ port: 80 }] }, ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
  ['bad cluster IP', { clusterIP: '10.0.0.300', ports: [{ port: 80 }] }, ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
  ['name must be a DNS-1035 label', { ports: [{ port: 80 }] }, [
    "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ], '1web'],
];
for (const [title, spec, want, name] of invalid) {
  test(`service validation: ${title}`, (t) => t.deepEqual(errors(create(spec, name)), want));
}

test('service update keeps allocated clusterIP and nodePorts, and clusterIP is immutable', (t) => {
  const old = create({ type: 'NodePort', ports: [{ port: 80 }] });
  old.spec!.clusterIP = '10.96.0.10';
  old.spec!.clusterIPs = ['10.96.0.10'];
  old.spec!.ports![0].nodePort = 30080;
  const next: Service = { metadata: { name: 'web', namespace: 'default' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } };
  serviceStrategy.prepareForUpdate!(next as KubeObject, old as KubeObject, ctx);
  t.is(next.spec?.clusterIP, '10.96.0.10');
  t.is(next.spec?.ports?.[0].nodePort, 30080);
  t.deepEqual(serviceStrategy.validateUpdate!(next as KubeObject, old as KubeObject), []);
  next.spec!.clusterIP = '10.96.0.11';
  next.spec!.clusterIPs = ['10.96.0.11'];
  t.deepEqual(serviceStrategy.validateUpdate!(next as KubeObject, old as KubeObject).map((e) => `${e.field}: ${e.detail}`), [
    'spec.clusterIPs[0]: Invalid value: "10.96.0.11": may not change once set',
  ]);
});
