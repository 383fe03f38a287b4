import test from 'ava';
import type { Attributes } from '../types.ts';
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
const attrs = {
  resource: { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' },
  subresource: '',
  namespace: 'default',
  name: 'a',
  user: { username: 'alice', groups: ['devs'] },
} as unknown as Attributes;
const cond = (...expressions: string[]) => expressions.map((expression, i) => ({ name: `c${i}`, expression }));

test('all true: the webhook is called; object, oldObject and request are bound', (t) => {
  const r = evaluateConditions(cond('object.metadata.labels.team == "x"', 'oldObject == null', 'request.userInfo.username == "alice"', 'object.spec.replicas > 2', 'request.name == ""'), attrs, request, 'Fail');
  t.deepEqual(r, { matches: true });
});

test('any false skips it, and names the condition, even beside an error', (t) => {
  t.deepEqual(evaluateConditions(cond('object.metadata.labels.missing == "x"', 'request.operation == "UPDATE"'), attrs, request, 'Fail'), { matches: false, failedCondition: 'c1' });
});

test('an evaluation error follows failurePolicy: Fail refuses with the expression, Ignore skips', (t) => {
  const fail = evaluateConditions(cond('object.metadata.labels.missing == "x"', 'true'), attrs, request, 'Fail');
  t.true('error' in fail);
  t.regex((fail as { error: string }).error, /^expression 'object.metadata.labels.missing == "x"' resulted in error: .*missing/);
  t.deepEqual(evaluateConditions(cond('object.metadata.labels.missing == "x"'), attrs, request, 'Ignore'), { matches: false });
  // A failurePolicy left unset is Fail (the API defaults it).
  t.true('error' in evaluateConditions(cond('object.nope.x'), attrs, request, undefined));
});

test('a result that is not a bool is an error; two errors are aggregated', (t) => {
  const r = evaluateConditions(cond('object.metadata.name', 'object.spec.replicas'), attrs, request, 'Fail') as { error: string };
  t.regex(r.error, /^\[expression 'object.metadata.name' resulted in error: .*, expression 'object.spec.replicas' resulted in error: .*\]$/);
});

test('no conditions: always called', (t) => {
  t.deepEqual(evaluateConditions(undefined, attrs, request, 'Fail'), { matches: true });
  t.deepEqual(evaluateConditions([], attrs, request, 'Fail'), { matches: true });
});

test('authorizer: checks go to the server authorizer for the requesting user', (t) => {
  const seen: string[] = [];
  const authorize = (r: { user: { username: string }; verb: string; resource?: { resource: string; namespace: string } }) => {
    seen.push(`${r.user.username} ${r.verb} ${r.resource?.resource}/${r.resource?.namespace}`);
    return { allowed: r.verb === 'get', reason: '' };
  };
  const allowed = evaluateConditions(cond("authorizer.group('').resource('secrets').namespace('default').check('get').allowed()"), attrs, request, 'Fail', authorize as never);
  t.deepEqual(allowed, { matches: true });
  const denied = evaluateConditions(cond("authorizer.requestResource.check('delete').allowed()"), attrs, request, 'Fail', authorize as never);
  t.deepEqual(denied, { matches: false, failedCondition: 'c0' });
  t.deepEqual(seen, ['alice get secrets/default', 'alice delete configmaps/default']);
});
