// One fake cluster for a reconciler test: clock, client, informers, an event recorder and a context.

import type { ControllerContext } from '../../server/controllers/common/types.ts';
import { silentLogger } from '../../server/log.ts';
import { FakeClient } from './fake-client.ts';
import { FakeClock } from '../fake-clock.ts';
import { FakeInformerFactory } from './fake-informers.ts';
import { FakeRecorder } from './fake-recorder.ts';

export interface FakeEnv {
  clock: FakeClock;
  client: FakeClient;
  informers: FakeInformerFactory;
  /** Every event the controllers under test recorded. */
  recorder: FakeRecorder;
  ctx: ControllerContext;
}

export function fakeEnv(start?: string): FakeEnv {
  const clock = new FakeClock(start);
  const client = new FakeClient(clock);
  const informers = new FakeInformerFactory(client);
  const recorder = new FakeRecorder();
  return { clock, client, informers, recorder, ctx: { client, informers, clock, log: silentLogger, events: recorder.recorderFor } };
}
