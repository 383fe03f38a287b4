// One fake cluster for a reconciler test: clock, client, informers and a context.

import type { ControllerContext } from '../common/types.ts';
import { silentLogger } from '../common/types.ts';
import { FakeClient } from './fake-client.ts';
import { FakeClock } from './fake-clock.ts';
import { FakeInformerFactory } from './fake-informers.ts';

export interface FakeEnv {
  clock: FakeClock;
  client: FakeClient;
  informers: FakeInformerFactory;
  ctx: ControllerContext;
}

export function fakeEnv(start?: string): FakeEnv {
  const clock = new FakeClock(start);
  const client = new FakeClient(clock);
  const informers = new FakeInformerFactory(client);
  return { clock, client, informers, ctx: { client, informers, clock, log: silentLogger } };
}
