import test from 'ava';
import type { KubeObject } from '../../types.ts';
import { jobTable } from './table.ts';

const now = new Date('2025-06-01T12:00:00Z');
const job = (spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'pi', creationTimestamp: '2025-06-01T11:50:00Z', ...meta },
  spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } }, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, ...spec },
  status,
});
const cond = (type: string) => ({ conditions: [{ type, status: 'True' }] });

const cases: Array<[string, KubeObject, [string, string, string]]> = [
  ['running with completions', job({ completions: 5 }, { succeeded: 2, startTime: '2025-06-01T11:50:00Z' }), ['Running', '2/5', '10m']],
  ['complete, duration from start to completion', job({ completions: 1 }, { succeeded: 1, startTime: '2025-06-01T11:50:00Z', completionTime: '2025-06-01T11:50:42Z', ...cond('Complete') }), ['Complete', '1/1', '42s']],
  ['work queue with parallelism', job({ parallelism: 3 }, { succeeded: 0, startTime: '2025-06-01T11:59:00Z' }), ['Running', '0/1 of 3', '60s']],
  ['no completions, no parallelism, not started', job({}, {}), ['Running', '0/1', '']],
  ['failed', job({ completions: 2 }, { startTime: '2025-06-01T11:50:00Z', completionTime: '2025-06-01T11:55:00Z', ...cond('Failed') }), ['Failed', '0/2', '5m']],
  ['suspended', job({ completions: 2 }, cond('Suspended')), ['Suspended', '0/2', '']],
  ['being deleted', job({ completions: 2 }, {}, { deletionTimestamp: '2025-06-01T11:59:00Z' }), ['Terminating', '0/2', '']],
  ['failure target', job({ completions: 2 }, cond('FailureTarget')), ['FailureTarget', '0/2', '']],
];

for (const [name, obj, want] of cases) {
  test(`job row: ${name}`, (t) => {
    const row = jobTable.row(obj, now);
    t.deepEqual(row.slice(1, 4), want);
    t.deepEqual([row[0], row[4], ...row.slice(5)], ['pi', '10m', 'pi', 'perl', 'batch.kubernetes.io/controller-uid=u1']);
  });
}
