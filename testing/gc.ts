// A full garbage collection from a test, for tests that show a component holds no reference to
// what it handed on (WeakRef targets it dropped are gone after it).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage after the current job: a WeakRef target is kept alive until its job ends. */
export async function collectGarbage(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  gc();
}
