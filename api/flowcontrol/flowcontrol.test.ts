import test from 'ava';
import type { KubeObject } from '../types.ts';
import { created, errorsOf as errors } from '../../testing/strategy.ts';
import { flowSchemas } from './flow-schema/index.ts';
import { priorityLevelConfigurations } from './priority-level-configuration/index.ts';


const subjects = [{ kind: 'Group', group: { name: 'system:authenticated' } }];

test('FlowSchema: matchingPrecedence 1000 by default, status starts empty', (t) => {
  const s = flowSchemas.strategy;
  const fs = created(s, {
    metadata: { name: 'fs' },
    spec: { priorityLevelConfiguration: { name: 'workload-low' }, rules: [{ subjects, resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'] }] }] },
    status: { conditions: [{ type: 'Dangling' }] },
  });
  t.like(fs, { spec: { matchingPrecedence: 1000 }, status: {} });
  t.deepEqual(fs.status, {});
  t.deepEqual(errors(s, fs), []);
  t.deepEqual(s!.generationFields, ['spec']);
});

test('FlowSchema validation', (t) => {
  const s = flowSchemas.strategy;
  const fs = created(s, {
    metadata: { name: 'fs' },
    spec: {
      matchingPrecedence: 1, distinguisherMethod: { type: 'ByPod' },
      rules: [{ subjects: [{ kind: 'User', group: { name: 'g' } }], resourceRules: [{ verbs: ['get', 'frob'], apiGroups: [''], resources: ['pods'] }] }, { subjects: [] }],
    },
  });
  t.deepEqual(errors(s, fs), [
    'spec.matchingPrecedence: Invalid value: 1: only the schema named \'exempt\' may have matchingPrecedence 1',
    'spec.distinguisherMethod.type: Unsupported value: "ByPod": supported values: "ByNamespace", "ByUser"',
    'spec.priorityLevelConfiguration.name: Required value: must reference a priority level',
    'spec.rules[0].subjects[0].user: Required value: user is required when subject kind is \'User\'',
    'spec.rules[0].subjects[0].group: Forbidden: group is forbidden when subject kind is not \'Group\'',
    'spec.rules[0].resourceRules[0].verbs: Unsupported value: []string{"get", "frob"}: supported values: "create", "delete", "deletecollection", "get", "list", "patch", "proxy", "update", "watch"',
    'spec.rules[0].resourceRules[0].namespaces: Required value: resource rules that are not cluster scoped must supply at least one namespace',
    'spec.rules[1].subjects: Required value: subjects must contain at least one value',
    'spec.rules[1]: Required value: at least one of resourceRules and nonResourceRules has to be non-empty',
  ]);
});

test('PriorityLevelConfiguration: upstream v1 defaults', (t) => {
  const s = priorityLevelConfigurations.strategy;
  const pl = created(s, { metadata: { name: 'workload-x' }, spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: {} } } } });
  t.deepEqual(pl.spec, { type: 'Limited', limited: { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { handSize: 8, queues: 64, queueLengthLimit: 50 } } } });
  t.deepEqual(errors(s, pl), []);
  const jail = created(s, { metadata: { name: 'jail' }, spec: { type: 'Limited', limited: { nominalConcurrencyShares: 0, limitResponse: { type: 'Reject' } } } });
  t.like(jail.spec, { limited: { nominalConcurrencyShares: 0, lendablePercent: 0 } });
  const exempt = created(s, { metadata: { name: 'exempt' }, spec: { type: 'Exempt', exempt: {} } });
  t.deepEqual(exempt.spec, { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } });
  t.deepEqual(errors(s, exempt), []);
});

test('PriorityLevelConfiguration validation', (t) => {
  const s = priorityLevelConfigurations.strategy;
  const cases: Array<[KubeObject, string[]]> = [
    [{ metadata: { name: 'x' }, spec: { type: 'Exempt' } }, ['spec.type: Invalid value: "Exempt": type must be \'Exempt\' if and only if name is \'exempt\'']],
    [{ metadata: { name: 'x' }, spec: { type: 'Limited' } }, ['spec.limited: Required value: must not be empty when type is Limited']],
    [{ metadata: { name: 'x' }, spec: { type: 'Limited', limited: { lendablePercent: 101, limitResponse: { type: 'Queue' } } } }, [
      'spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive',
      'spec.limited.limitResponse.queuing: Required value: must not be empty if limited.limitResponse.type is Limited',
    ]],
    [{ metadata: { name: 'x' }, spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: { queues: 4, handSize: 5 } } } } }, ['spec.limited.limitResponse.queuing.handSize: Invalid value: 5: should not be greater than queues (4)']],
    [{ metadata: { name: 'x' }, spec: { type: 'Limited', limited: { limitResponse: { type: 'Reject', queuing: {} } } } }, ['spec.limited.limitResponse.queuing: Forbidden: must be nil if limited.limitResponse.type is not Limited']],
    [{ metadata: { name: 'x' }, spec: {} }, ['spec.type: Unsupported value: "": supported values: "Exempt", "Limited"']],
  ];
  for (const [obj, want] of cases) t.deepEqual(errors(s, created(s, obj)), want, JSON.stringify(obj.spec));
});
