import test from 'ava';
import { StatusError } from '../../api/meta/errors.ts';
import { parseListQuery } from './query.ts';

const q = (s: string) => new URLSearchParams(s);
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return `${e.code} ${e.message}`;
    throw e;
  }
  return 'accepted';
};

test('a watch-list may leave resourceVersion unset (a consistent initial state), as client-go 1.35 sends it', (t) => {
  const w = parseListQuery(q('allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&watch=true'), true);
  t.is(w.resourceVersion, undefined);
  t.is(w.resourceVersionMatch, 'NotOlderThan');
  t.true(w.sendInitialEvents);
});

test("watch options are checked by upstream's watch rules; list options by the list rules", (t) => {
  t.is(refusal(() => parseListQuery(q('sendInitialEvents=true&resourceVersionMatch=Exact&resourceVersion=5'), true)),
    '422 ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
  t.is(refusal(() => parseListQuery(q('resourceVersionMatch=NotOlderThan&resourceVersion=5'), true)),
    '422 ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  t.is(refusal(() => parseListQuery(q('resourceVersionMatch=NotOlderThan'))),
    '422 ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
  t.is(refusal(() => parseListQuery(q('resourceVersionMatch=Newest'), true)),
    '422 ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan"');
});
