// The contract every storage backend passes: run it from the backend's own test file with a
// factory that hands each test a ready backend (fresh or shared) and a cleanup. The checks
// are backend-neutral: unique key prefixes per test, no assumption about where revisions
// start or that the store is empty. The cases live in ./contract/, one file per concern.

import { registerCompact } from './contract/compact.ts';
import { registerCrud } from './contract/crud.ts';
import type { BackendFactory } from './contract/helpers.ts';
import { registerList } from './contract/list.ts';
import { registerWatch } from './contract/watch.ts';

export type { BackendFactory } from './contract/helpers.ts';

/** No options yet; the parameter keeps the call shape stable for when a backend needs one. */
export type BackendContractOptions = Record<string, never>;

export function runBackendContract(name: string, factory: BackendFactory, _opts: BackendContractOptions = {}): void {
  const c = { name, factory };
  registerCrud(c);
  registerList(c);
  registerWatch(c);
  registerCompact(c);
}
