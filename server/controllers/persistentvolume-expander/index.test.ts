import test from 'ava';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { PVCS_R } from '../persistentvolume/resources.ts';
import { EXTERNAL_EXPANDING_MESSAGE, newExpanderReconciler, wantsExpansion } from './index.ts';

const claim = (request: string, capacity: string, phase = 'Bound') => ({
  metadata: { name: 'data', namespace: 'a' },
  spec: { volumeName: 'v', resources: { requests: { storage: request } } },
  status: { phase, capacity: { storage: capacity } },
});

test('an expansion is wanted only by a Bound claim asking for more than its capacity', (t) => {
  t.true(wantsExpansion(claim('2Gi', '1Gi')));
  t.false(wantsExpansion(claim('1Gi', '1Gi')));
  t.false(wantsExpansion(claim('1024Mi', '1Gi')));
  t.false(wantsExpansion(claim('2Gi', '1Gi', 'Pending')));
  t.false(wantsExpansion({ ...claim('2Gi', '1Gi'), metadata: { name: 'data', namespace: 'a', deletionTimestamp: '2026-01-01T00:00:00Z' } }));
});

test('a claim to grow is handed to an external resizer with ExternalExpanding; one that fits gets nothing', async (t) => {
  const env = fakeEnv();
  const sync = newExpanderReconciler(env.ctx);
  env.client.seed(PVCS_R, claim('1Gi', '1Gi'));
  await sync('a/data');
  t.is(env.recorder.withReason('ExternalExpanding').length, 0);
  env.client.seed(PVCS_R, claim('2Gi', '1Gi'));
  await sync('a/data');
  const [e] = env.recorder.withReason('ExternalExpanding');
  t.like(e, { component: 'volume_expand', type: 'Normal', message: EXTERNAL_EXPANDING_MESSAGE });
});
