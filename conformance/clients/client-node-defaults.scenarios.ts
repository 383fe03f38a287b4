// Upstream's field defaults, seen through @kubernetes/client-node's typed APIs: what a client
// reads back after creating an object that leaves them out, and a 422 for what validation
// refuses. The webhooks and policies made here match only example.com/widgets, which nothing
// else in the suite creates.

import type { ExecutionContext } from 'ava';
import { AdmissionregistrationV1Api, FlowcontrolApiserverV1Api } from '@kubernetes/client-node';
import type { Kubets } from '../harness.ts';
import type { ClientTest } from './suite.ts';
import { codeOf, kubeConfig } from './client-node.scenarios.ts';

/** The library's model classes as plain JSON, for t.like. */
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x ?? null));

const widgets = { operations: ['CREATE'], apiGroups: ['example.com'], apiVersions: ['v1'], resources: ['widgets'] };

async function admissionRegistration(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const api = kubeConfig(kubets).makeApiClient(AdmissionregistrationV1Api);
  const hook = { name: 'cn.example.com', clientConfig: { service: { namespace: 'default', name: 'hooks' } }, rules: [widgets], sideEffects: 'None', admissionReviewVersions: ['v1'] };
  const m = await api.createMutatingWebhookConfiguration({ body: { metadata: { name: 'cn-defaults' }, webhooks: [hook] } });
  t.like(plain(m.webhooks?.[0]), {
    failurePolicy: 'Fail', matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, timeoutSeconds: 10,
    reinvocationPolicy: 'Never', clientConfig: { service: { port: 443 } }, rules: [{ scope: '*' }],
  });
  t.is(m.metadata?.generation, 1);
  const v = await api.createValidatingWebhookConfiguration({ body: { metadata: { name: 'cn-defaults' }, webhooks: [hook] } });
  t.like(plain(v.webhooks?.[0]), { failurePolicy: 'Fail', timeoutSeconds: 10, matchPolicy: 'Equivalent' });
  const bad = await codeOf(api.createValidatingWebhookConfiguration({ body: { metadata: { name: 'cn-bad' }, webhooks: [{ ...hook, sideEffects: undefined as unknown as string }] } }));
  t.is(bad, 422, 'sideEffects has no default in v1');

  const p = await api.createValidatingAdmissionPolicy({
    body: { metadata: { name: 'cn-defaults' }, spec: { matchConstraints: { resourceRules: [widgets] }, validations: [{ expression: 'true' }] } },
  });
  t.like(plain(p.spec), { failurePolicy: 'Fail', matchConstraints: { matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, resourceRules: [{ scope: '*' }] } });
  const b = await api.createValidatingAdmissionPolicyBinding({
    body: { metadata: { name: 'cn-defaults' }, spec: { policyName: 'cn-defaults', validationActions: ['Audit'], matchResources: { resourceRules: [widgets] } } },
  });
  t.like(plain(b.spec?.matchResources), { matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {} });
  t.is(await codeOf(api.createValidatingAdmissionPolicyBinding({ body: { metadata: { name: 'cn-bad' }, spec: { policyName: 'cn-defaults', validationActions: [] } } })), 422);

  await api.deleteMutatingWebhookConfiguration({ name: 'cn-defaults' });
  await api.deleteValidatingWebhookConfiguration({ name: 'cn-defaults' });
  await api.deleteValidatingAdmissionPolicyBinding({ name: 'cn-defaults' });
  await api.deleteValidatingAdmissionPolicy({ name: 'cn-defaults' });
}

async function flowControl(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const api = kubeConfig(kubets).makeApiClient(FlowcontrolApiserverV1Api);
  const pl = await api.createPriorityLevelConfiguration({
    body: { metadata: { name: 'cn-level' }, spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: {} } } } },
  });
  t.like(plain(pl.spec?.limited), { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { handSize: 8, queues: 64, queueLengthLimit: 50 } } });
  const fs = await api.createFlowSchema({
    body: {
      metadata: { name: 'cn-schema' },
      spec: { priorityLevelConfiguration: { name: 'cn-level' }, rules: [{ subjects: [{ kind: 'User', user: { name: 'cn-nobody' } }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/cn'] }] }] },
    },
  });
  t.is(fs.spec?.matchingPrecedence, 1000);
  t.is(await codeOf(api.createPriorityLevelConfiguration({ body: { metadata: { name: 'cn-bad' }, spec: { type: 'Limited' } } })), 422);
  await api.deleteFlowSchema({ name: 'cn-schema' });
  await api.deletePriorityLevelConfiguration({ name: 'cn-level' });
}

export const clientNodeDefaultsTests: ClientTest[] = [
  { title: 'client-node admissionregistration/v1: webhook and policy defaults, required sideEffects and validationActions', run: admissionRegistration },
  { title: 'client-node flowcontrol/v1: FlowSchema and PriorityLevelConfiguration defaults', run: flowControl },
];
