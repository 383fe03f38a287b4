// The one place generation and status are decided: the engine, from the kind's declared
// generationFields and its status subresource; workload status writes are validated.

import test from 'ava';
import { StatusError } from '../../../api/meta/errors.ts';
import type { KubeObject, ResourceType } from '../../../api/types.ts';
import { configMap, testEngines } from '../../../testing/engine.ts';
import { customResourceStrategy } from '../../../api/apiextensions/custom-resource/strategy.ts';
import { ALL, status } from '../../../api/builtin.ts';

const deployment = (name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
});

test('generation: 1 on create, +1 on a spec change only, kept by status writes', async (t) => {
  const env = testEngines();
  const deps = env.engine('deployments', 'apps');
  const d = await deps.create(env.ctx(), deployment('web'));
  t.is(d.metadata?.generation, 1);
  const labelled = await deps.update(env.ctx(), 'web', { ...d, metadata: { ...d.metadata, labels: { a: 'b' } } });
  t.is(labelled.object.metadata?.generation, 1, 'labels are not the spec');
  const scaled = await deps.update(env.ctx(), 'web', { ...labelled.object, spec: { ...(labelled.object.spec as object), replicas: 3 } });
  t.is(scaled.object.metadata?.generation, 2);
  const annotated = await deps.update(env.ctx(), 'web', { ...scaled.object, metadata: { ...scaled.object.metadata, annotations: { rollback: 'yes' } } });
  t.is(annotated.object.metadata?.generation, 3, 'a Deployment also tracks annotations');
  const status = await deps.updateWith(env.ctx(), 'web', (cur) => ({ ...cur!, status: { replicas: 3, observedGeneration: 3 } }), 'status', false);
  t.is(status.object.metadata?.generation, 3);
  t.deepEqual(status.object.status, { replicas: 3, observedGeneration: 3 });
  const again = await deps.update(env.ctx(), 'web', { ...status.object, status: { replicas: 99 } });
  t.deepEqual(again.object.status, { replicas: 3, observedGeneration: 3 }, 'a main write keeps the stored status');
  await env.close();
});

test('a kind without generation tracking keeps none', async (t) => {
  const env = testEngines();
  const cms = env.engine('configmaps');
  const cm = await cms.create(env.ctx(), configMap('c', { a: '1' }));
  t.is(cm.metadata?.generation, undefined);
  t.is((await cms.update(env.ctx(), 'c', configMap('c', { a: '2' }))).object.metadata?.generation, undefined);
  await env.close();
});

test('workload status writes are validated', async (t) => {
  const env = testEngines();
  const deps = env.engine('deployments', 'apps');
  await deps.create(env.ctx(), deployment('web'));
  const write = (status: Record<string, unknown>) => deps.updateWith(env.ctx(), 'web', (cur) => ({ ...cur!, status }), 'status', false);
  const negative = await t.throwsAsync(write({ replicas: -1 }), { instanceOf: StatusError });
  t.is(negative.code, 422);
  t.regex(negative.message, /status.replicas: Invalid value: -1: must be greater than or equal to 0/);
  await t.throwsAsync(write({ replicas: 1, readyReplicas: 2, availableReplicas: 2 }), { message: /status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas/ });
  await t.throwsAsync(write({ replicas: 2, readyReplicas: 1, availableReplicas: 2 }), { message: /cannot be greater than readyReplicas/ });
  await t.notThrowsAsync(write({ replicas: 2, readyReplicas: 2, availableReplicas: 1, updatedReplicas: 2 }));
  await env.close();
});

const widgets = (hasStatus: boolean): ResourceType => ({
  group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', singular: 'widget', namespaced: true, verbs: ALL,
  hasStatus, subresources: hasStatus ? [status('Widget')] : undefined, strategy: customResourceStrategy({ schema: undefined, hasStatus }),
});
const widget = (o: Record<string, unknown>): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, ...o });

test('a custom resource: any change outside metadata bumps generation; with a status subresource status never does', async (t) => {
  const env = testEngines([], [widgets(true)]);
  const ws = env.engine('widgets', 'example.com');
  const w = await ws.create(env.ctx(), widget({ spec: { size: 1 }, status: { ready: true } }));
  t.is(w.metadata?.generation, 1);
  t.is(w.status, undefined, 'status is cleared on create');
  const labelled = await ws.update(env.ctx(), 'w', { ...w, metadata: { ...w.metadata, labels: { a: 'b' } } });
  t.is(labelled.object.metadata?.generation, 1);
  const other = await ws.update(env.ctx(), 'w', { ...labelled.object, data: { x: 1 } });
  t.is(other.object.metadata?.generation, 2, 'a top-level field other than spec counts');
  const st = await ws.updateWith(env.ctx(), 'w', (cur) => ({ ...cur!, status: { ready: true } }), 'status', false);
  t.is(st.object.metadata?.generation, 2);
  await env.close();
});

test('a custom resource without a status subresource: a status change bumps generation', async (t) => {
  const env = testEngines([], [widgets(false)]);
  const ws = env.engine('widgets', 'example.com');
  const w = await ws.create(env.ctx(), widget({ spec: { size: 1 } }));
  const st = await ws.update(env.ctx(), 'w', { ...w, status: { ready: true } });
  t.is(st.object.metadata?.generation, 2);
  await env.close();
});
