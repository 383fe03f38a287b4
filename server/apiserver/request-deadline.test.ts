// The request deadline: `timeout` as Go writes durations, bounded by the server's maximum, none
// for watches and exec-like subresources, 400 for a malformed one; 504 Timeout with upstream's
// words when the work is not done in time, and a cut connection when the answer had begun.

import test from 'ava';
import type { ServerResponse } from 'node:http';
import { StatusError } from '../../api/meta/errors.ts';
import { parseRequestInfo } from './request-info.ts';
import { requestDeadlineMs, withDeadline } from './request-deadline.ts';

function deadline(url: string, max?: number): number | undefined {
  const u = new URL(url, 'https://x');
  return requestDeadlineMs(parseRequestInfo('GET', u.pathname, u.searchParams), u.searchParams, max);
}

const cases: [string, string, number | undefined][] = [
  ['no timeout: the maximum', '/api/v1/pods', 60_000],
  ['a shorter timeout', '/api/v1/pods?timeout=2s', 2000],
  ['Go units', '/api/v1/pods?timeout=1m30s', 60_000],
  ['fractions', '/api/v1/pods?timeout=1.5s', 1500],
  ['0s means the maximum', '/api/v1/pods?timeout=0s', 60_000],
  ['a negative one means the maximum', '/api/v1/pods?timeout=-5s', 60_000],
  ['a watch has none', '/api/v1/pods?watch=true&timeout=1s', undefined],
  ['exec has none', '/api/v1/namespaces/a/pods/p/exec?timeout=1s', undefined],
  ['non-resource paths too', '/version?timeout=250ms', 250],
];
for (const [name, url, want] of cases) test(name, (t) => t.is(deadline(url), want));

test('a malformed timeout is 400 BadRequest in upstream words', (t) => {
  const e = t.throws(() => deadline('/api/v1/pods?timeout=soon'));
  t.true(e instanceof StatusError);
  t.is((e as StatusError).code, 400);
  t.is(e!.message, 'invalid timeout specified in the request URL - time: invalid duration "soon"');
});

const res = (headersSent: boolean) => {
  const r = { headersSent, destroyed: false, destroy() { r.destroyed = true; } };
  return r;
};

test('work done in time passes through; work past the deadline is 504 Timeout and may still finish', async (t) => {
  await t.notThrowsAsync(withDeadline(1000, res(false) as unknown as ServerResponse, () => new Promise((r) => setTimeout(r, 5))));
  let finished = false;
  const e = await t.throwsAsync(withDeadline(20, res(false) as unknown as ServerResponse, () => new Promise((r) => setTimeout(() => r((finished = true)), 200)).then(() => undefined)));
  t.true(e instanceof StatusError);
  t.deepEqual([(e as StatusError).code, (e as StatusError).reason, e!.message], [504, 'Timeout', 'Timeout: request did not complete within requested timeout - context deadline exceeded']);
  t.false(finished);
  const failsLater = withDeadline(10, res(false) as unknown as ServerResponse, () => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 50)));
  await t.throwsAsync(failsLater, { message: /requested timeout/ });
  await new Promise((r) => setTimeout(r, 80)); // its late failure is swallowed, not an unhandled rejection
  const begun = res(true);
  await withDeadline(10, begun as unknown as ServerResponse, () => new Promise((r) => setTimeout(r, 100)));
  t.true(begun.destroyed);
});
