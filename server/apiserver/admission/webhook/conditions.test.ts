import test from 'ava';
import { evaluateConditions } from './conditions.ts';

const request = {
  uid: 'u',
  operation: 'CREATE',
  namespace: 'default',
  userInfo: { username: 'alice', groups: ['devs'] },
  object: { metadata: { name: 'a', labels: { team: 'x' } }, spec: { replicas: 3 } },
  oldObject: null,
  dryRun: false,
};
const cond = (...expressions: string[]) => expressions.map((expression, i) => ({ name: `c${i}`, expression }));

test('all true: the webhook is called; object, oldObject and request are bound', (t) => {
  const r = evaluateConditions(cond('object.metadata.labels.team == "x"', 'oldObject == null', 'request.userInfo.username == "alice"', 'object.spec.replicas > 2', 'request.name == ""'), request, 'Fail');
  t.deepEqual(r, { matches: true });
});

test('any false skips it, and names the condition, even beside an error', (t) => {
  t.deepEqual(evaluateConditions(cond('object.metadata.labels.missing == "x"', 'request.operation == "UPDATE"'), request, 'Fail'), { matches: false, failedCondition: 'c1' });
});

test('an evaluation error follows failurePolicy: Fail refuses with the expression, Ignore skips', (t) => {
  const fail = evaluateConditions(cond('object.metadata.labels.missing == "x"', 'true'), request, 'Fail');
  t.true('error' in fail);
  t.regex((fail as { error: string }).error, /^expression 'object.metadata.labels.missing == "x"' resulted in error: .*missing/);
  t.deepEqual(evaluateConditions(cond('object.metadata.labels.missing == "x"'), request, 'Ignore'), { matches: false });
  // A failurePolicy left unset is Fail (the API defaults it).
  t.true('error' in evaluateConditions(cond('object.nope.x'), request, undefined));
});

test('a result that is not a bool is an error; two errors are aggregated', (t) => {
  const r = evaluateConditions(cond('object.metadata.name', 'object.spec.replicas'), request, 'Fail') as { error: string };
  t.regex(r.error, /^\[expression 'object.metadata.name' resulted in error: .*, expression 'object.spec.replicas' resulted in error: .*\]$/);
});

test('no conditions: always called', (t) => {
  t.deepEqual(evaluateConditions(undefined, request, 'Fail'), { matches: true });
  t.deepEqual(evaluateConditions([], request, 'Fail'), { matches: true });
});
