// Upstream's field defaults, seen through @kubernetes/client-node's typed APIs: what a client
// reads back after creating an object that leaves them out, and a 422 for what validation
// refuses. The webhooks and policies made here match only example.com/widgets, which nothing
// else in the suite creates.

import type { ExecutionContext } from 'ava';
import {
  AdmissionregistrationV1Api, ApiregistrationV1Api, EventsV1Api, FlowcontrolApiserverV1Api, NetworkingV1Api, StorageV1Api,
} from '@kubernetes/client-node';
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

async function storageKinds(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const api = kubeConfig(kubets).makeApiClient(StorageV1Api);
  const d = await api.createCSIDriver({ body: { metadata: { name: 'cn.csi.example.com' }, spec: {} } });
  t.like(plain(d.spec), {
    attachRequired: true, podInfoOnMount: false, storageCapacity: false, fsGroupPolicy: 'ReadWriteOnceWithFSType',
    volumeLifecycleModes: ['Persistent'], requiresRepublish: false, seLinuxMount: false,
  });
  t.is(await codeOf(api.patchCSIDriver({ name: 'cn.csi.example.com', body: [{ op: 'replace', path: '/spec/attachRequired', value: false }] })), 422);
  const va = await api.createVolumeAttachment({ body: { metadata: { name: 'cn-attach' }, spec: { attacher: 'cn.csi.example.com', nodeName: 'nowhere', source: { persistentVolumeName: 'pv-x' } } } });
  t.is(va.status?.attached, false);
  t.is(await codeOf(api.createVolumeAttributesClass({ body: { metadata: { name: 'cn-gold' }, driverName: 'cn.csi.example.com' } })), 422);
  await api.deleteVolumeAttachment({ name: 'cn-attach' });
  await api.deleteCSIDriver({ name: 'cn.csi.example.com' });
}

async function networkingAndEvents(t: ExecutionContext, kubets: Kubets): Promise<void> {
  const kc = kubeConfig(kubets);
  const net = kc.makeApiClient(NetworkingV1Api);
  const cidr = await net.createServiceCIDR({ body: { metadata: { name: 'cn-extra' }, spec: { cidrs: ['10.200.0.0/24'] } } });
  t.deepEqual(plain(cidr.spec?.cidrs), ['10.200.0.0/24']);
  t.is(await codeOf(net.createServiceCIDR({ body: { metadata: { name: 'cn-bad' }, spec: { cidrs: ['10.200.1.1/24'] } } })), 422);
  t.is(await codeOf(net.createIPAddress({ body: { metadata: { name: '10.200.0.010' }, spec: { parentRef: { resource: 'services', name: 'x', namespace: 'default' } } } })), 422);
  await net.deleteServiceCIDR({ name: 'cn-extra' });

  // A dry run shows the default port without leaving an APIService behind for discovery.
  const apireg = kc.makeApiClient(ApiregistrationV1Api);
  const svc = await apireg.createAPIService({
    dryRun: 'All',
    body: { metadata: { name: 'v1.cn.example.com' }, spec: { group: 'cn.example.com', version: 'v1', groupPriorityMinimum: 100, versionPriority: 10, insecureSkipTLSVerify: true, service: { namespace: 'default', name: 'cn' } } },
  });
  t.is(svc.spec?.service?.port, 443);

  const events = kc.makeApiClient(EventsV1Api);
  const body = {
    metadata: { name: 'cn-event' }, eventTime: new Date('2026-12-07T06:00:00Z'), reportingController: 'example.com/cn', reportingInstance: 'cn-1',
    action: 'Tested', reason: 'Defaults', type: 'Normal', regarding: { kind: 'Namespace', name: 'default' }, note: 'seen',
  };
  const ev = await events.createNamespacedEvent({ namespace: 'default', body });
  t.is(ev.reportingController, 'example.com/cn');
  t.is(await codeOf(events.createNamespacedEvent({ namespace: 'default', body: { ...body, metadata: { name: 'cn-bad' }, type: 'Info' } })), 422);
  await events.deleteNamespacedEvent({ namespace: 'default', name: 'cn-event' });
}

export const clientNodeDefaultsTests: ClientTest[] = [
  { title: 'client-node admissionregistration/v1: webhook and policy defaults, required sideEffects and validationActions', run: admissionRegistration },
  { title: 'client-node flowcontrol/v1: FlowSchema and PriorityLevelConfiguration defaults', run: flowControl },
  { title: 'client-node storage/v1: CSIDriver defaults, VolumeAttachment status, VolumeAttributesClass parameters', run: storageKinds },
  { title: 'client-node networking/v1 ServiceCIDR and IPAddress, apiregistration/v1 APIService, events/v1 Event validation', run: networkingAndEvents },
];
