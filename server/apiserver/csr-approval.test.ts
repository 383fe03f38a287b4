import test from 'ava';
import { approvalErrors } from './csr-approval.ts';

const cases: [string, { type?: string; status?: string }[], { type?: string; status?: string }[], RegExp | undefined][] = [
  ['approve', [{ type: 'Approved', status: 'True' }], [], undefined],
  ['deny', [{ type: 'Denied', status: 'True' }], [], undefined],
  ['both', [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'True' }], [], /mutually exclusive/],
  ['approved False', [{ type: 'Approved', status: 'False' }], [], /supported values: "True"/],
  ['duplicate', [{ type: 'Approved', status: 'True' }, { type: 'Approved', status: 'True' }], [], /Duplicate value/],
  ['removing approval', [], [{ type: 'Approved', status: 'True' }], /may not remove/],
  ['no type', [{ status: 'True' }], [], /Required value/],
];

for (const [name, next, old, want] of cases) {
  test(`approval: ${name}`, (t) => {
    const err = approvalErrors('x', next, old);
    if (!want) t.is(err, undefined);
    else {
      t.is(err?.code, 422);
      t.regex(err?.message ?? '', want);
    }
  });
}
