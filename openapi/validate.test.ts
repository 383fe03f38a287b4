import test from 'ava';
import { decodeError, validatorFor } from './validate.ts';

const pod = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'x' } },
  spec,
  ...extra,
});

test('a well-typed pod passes, with nulls, numeric quantities and int-or-string', (t) => {
  const v = validatorFor('io.k8s.api.core.v1.Pod')!;
  const body = pod({
    nodeName: null,
    containers: [
      {
        name: 'c',
        image: 'nginx',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { limits: { cpu: 1, memory: '1Gi' } },
        livenessProbe: { httpGet: { port: 'http', path: '/' } },
        readinessProbe: { httpGet: { port: 8080 } },
      },
    ],
  }, { status: null });
  t.deepEqual(v(body), []);
});

const bad: { name: string; def: string; body: unknown; field: string; decode: string }[] = [
  {
    name: 'number for a string',
    def: 'io.k8s.api.core.v1.Pod',
    body: pod({ containers: [{ name: 5 }] }),
    field: 'spec.containers[0].name',
    decode: 'json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string',
  },
  {
    name: 'string for an int32',
    def: 'io.k8s.api.apps.v1.Deployment',
    body: { spec: { replicas: '3' } },
    field: 'spec.replicas',
    decode: 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
  },
  {
    name: 'int32 out of range',
    def: 'io.k8s.api.core.v1.Pod',
    body: pod({ containers: [{ name: 'c', ports: [{ containerPort: 3000000000 }] }] }),
    field: 'spec.containers[0].ports[0].containerPort',
    decode: 'json: cannot unmarshal number 3000000000 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
  },
  {
    name: 'object for a list',
    def: 'io.k8s.api.core.v1.Pod',
    body: pod({ containers: { name: 'c' } }),
    field: 'spec.containers',
    decode: 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container',
  },
  {
    name: 'number for a label value',
    def: 'io.k8s.api.core.v1.ConfigMap',
    body: { metadata: { labels: { a: 1 } } },
    field: 'metadata.labels.a',
    decode: 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels.a of type string',
  },
  {
    name: 'boolean for a quantity',
    def: 'io.k8s.api.core.v1.Pod',
    body: pod({ containers: [{ name: 'c', resources: { requests: { cpu: true } } }] }),
    field: 'spec.containers[0].resources.requests.cpu',
    decode: 'json: cannot unmarshal bool into Go struct field ResourceRequirements.spec.containers.resources.requests.cpu of type resource.Quantity',
  },
  {
    name: 'array for the whole object',
    def: 'io.k8s.api.core.v1.Pod',
    body: [],
    field: '<root>',
    decode: 'json: cannot unmarshal array into Go value of type v1.Pod',
  },
];
for (const c of bad) {
  test(`type error: ${c.name}`, (t) => {
    const errs = validatorFor(c.def)!(c.body);
    t.is(errs.length, 1);
    t.is(errs[0].type, 'FieldValueTypeInvalid');
    t.is(errs[0].field, c.field);
    t.is(errs[0].decodeMessage, c.decode);
  });
}

test('all type errors are reported, and the 400 carries the first', (t) => {
  const errs = validatorFor('io.k8s.api.core.v1.Pod')!(pod({ hostNetwork: 'yes', containers: [{ name: 1, image: 2 }] }));
  t.deepEqual(errs.map((e) => e.field).sort(), ['spec.containers[0].image', 'spec.containers[0].name', 'spec.hostNetwork']);
  const err = decodeError('Pod', 'v1', errs);
  t.is(err.code, 400);
  t.is(err.reason, 'BadRequest');
  t.regex(err.message, /^Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal /);
});

test('validatorFor an unknown definition is undefined', (t) => {
  t.is(validatorFor('io.k8s.api.core.v1.Nope'), undefined);
});
