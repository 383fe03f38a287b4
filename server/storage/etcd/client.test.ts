// How etcd client failures are named: a member too slow to answer within the call's deadline is
// a time-out (504 Timeout through the apiserver, as upstream's), one that cannot be reached is
// unavailable, an oversize request is an invalid value (413 through the apiserver).

import test from 'ava';
import { translateError } from './client.ts';
import type { StorageErrorCode } from '../types.ts';

class GRPCDeadlineExceededError extends Error {}
class GRPCUnavailableError extends Error {}

const cases: [string, Error, StorageErrorCode][] = [
  ['deadline exceeded', new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded'), 'Timeout'],
  ['unavailable', new GRPCUnavailableError('14 UNAVAILABLE: No connection established'), 'Unavailable'],
  ['connection refused', new Error('connect ECONNREFUSED 127.0.0.1:2379'), 'Unavailable'],
  ['request too large', new Error('etcdserver: request is too large'), 'InvalidValue'],
];
for (const [name, err, code] of cases) {
  test(name, (t) => {
    const e = translateError(err, ['http://127.0.0.1:2379'], 'creating /registry/x');
    t.is(e.code, code, e.message);
    t.regex(e.message, /^creating \/registry\/x: /);
  });
}
