import test from 'ava';
import type { KubeObject } from '../../types.ts';
import { podTable } from './table.ts';

const now = new Date('2025-06-01T12:00:00Z');
const created = '2025-06-01T11:00:00Z';

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'web', creationTimestamp: created, ...meta }, spec: { containers: [{ name: 'app' }], ...spec }, status };
}

const running = { state: { running: {} }, ready: true, restartCount: 0 };

interface Case {
  name: string;
  pod: KubeObject;
  cells: [string, string, string];
}

const cases: Case[] = [
  { name: 'pending, nothing started', pod: pod({}, { phase: 'Pending' }), cells: ['0/1', 'Pending', '0'] },
  { name: 'running and ready', pod: pod({}, { phase: 'Running', containerStatuses: [running] }), cells: ['1/1', 'Running', '0'] },
  {
    name: 'crash loop with restarts and when the last one was',
    pod: pod({}, {
      phase: 'Running',
      containerStatuses: [{
        state: { waiting: { reason: 'CrashLoopBackOff' } }, ready: false, restartCount: 4,
        lastState: { terminated: { exitCode: 1, finishedAt: '2025-06-01T11:55:00Z' } },
      }],
    }),
    cells: ['0/1', 'CrashLoopBackOff', '4 (5m ago)'],
  },
  {
    name: 'second of two init containers running',
    pod: pod({ initContainers: [{ name: 'a' }, { name: 'b' }] }, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0 } } }, { name: 'b', state: { running: {} } }],
    }),
    cells: ['0/1', 'Init:1/2', '0'],
  },
  {
    name: 'init container failing',
    pod: pod({ initContainers: [{ name: 'a' }] }, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'a', state: { waiting: { reason: 'CrashLoopBackOff' } }, restartCount: 2 }],
    }),
    cells: ['0/1', 'Init:CrashLoopBackOff', '2'],
  },
  {
    name: 'init container exited non-zero without a reason',
    pod: pod({ initContainers: [{ name: 'a' }] }, {
      phase: 'Pending', initContainerStatuses: [{ name: 'a', state: { terminated: { exitCode: 3 } } }],
    }),
    cells: ['0/1', 'Init:ExitCode:3', '0'],
  },
  {
    name: 'sidecar counts towards ready and total',
    pod: pod({ initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] }, {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', started: true, ready: true, state: { running: {} } }],
      containerStatuses: [running],
    }),
    cells: ['2/2', 'Running', '0'],
  },
  {
    name: "a Job's pod completed, its sidecar stopped after the main container (killed, 137)",
    pod: pod({ initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] }, {
      phase: 'Succeeded',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', started: false, ready: false, state: { terminated: { exitCode: 137, reason: 'Error' } } }],
      containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } }, ready: false }],
    }),
    cells: ['0/2', 'Completed', '0'],
  },
  {
    name: 'sidecar started but unready while a regular init container runs',
    pod: pod({ initContainers: [{ name: 'proxy', restartPolicy: 'Always' }, { name: 'setup' }] }, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'proxy', started: true, ready: false, state: { running: {} } }, { name: 'setup', state: { running: {} } }],
    }),
    cells: ['0/2', 'Init:1/2', '0'],
  },
  {
    name: 'completed',
    pod: pod({}, { phase: 'Succeeded', containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
    cells: ['0/1', 'Completed', '0'],
  },
  {
    name: 'being deleted',
    pod: pod({}, { phase: 'Running', containerStatuses: [running] }, { deletionTimestamp: '2025-06-01T11:59:00Z' }),
    cells: ['1/1', 'Terminating', '0'],
  },
  {
    name: 'deleted on a lost node',
    pod: pod({}, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running] }, { deletionTimestamp: '2025-06-01T11:59:00Z' }),
    cells: ['1/1', 'Unknown', '0'],
  },
  {
    name: 'scheduling gated',
    pod: pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
    cells: ['0/1', 'SchedulingGated', '0'],
  },
  {
    name: 'one container completed while another runs, pod ready',
    pod: pod({ containers: [{ name: 'a' }, { name: 'b' }] }, {
      phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running],
    }),
    cells: ['1/2', 'Running', '0'],
  },
];

for (const c of cases) {
  test(`pod row: ${c.name}`, (t) => {
    const row = podTable.row(c.pod, now);
    t.deepEqual(row.slice(1, 4), c.cells);
    t.is(row[0], 'web');
    t.is(row[4], '60m');
  });
}

test('pod wide cells and columns', (t) => {
  const p = pod({ nodeName: 'n1', readinessGates: [{ conditionType: 'lb/ready' }, { conditionType: 'x' }] }, {
    phase: 'Running', podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }], conditions: [{ type: 'lb/ready', status: 'True' }],
  });
  t.deepEqual(podTable.row(p, now).slice(5), ['10.0.0.5', 'n1', '<none>', '1/2']);
  t.deepEqual(podTable.row(pod({}, {}), now).slice(5), ['<none>', '<none>', '<none>', '<none>']);
  t.deepEqual(podTable.columns.map((c) => [c.name, c.type, c.priority]), [
    ['Name', 'string', 0], ['Ready', 'string', 0], ['Status', 'string', 0], ['Restarts', 'string', 0], ['Age', 'string', 0],
    ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1],
  ]);
  t.is(podTable.columns[0]?.format, 'name');
});

test('finished pods carry a Completed row condition', (t) => {
  t.like(podTable.conditions?.(pod({}, { phase: 'Succeeded' }))[0], { type: 'Completed', status: 'True', reason: 'Succeeded' });
  t.like(podTable.conditions?.(pod({}, { phase: 'Failed' }))[0], { type: 'Completed', status: 'True', reason: 'Failed' });
  t.deepEqual(podTable.conditions?.(pod({}, { phase: 'Running' })), []);
});
