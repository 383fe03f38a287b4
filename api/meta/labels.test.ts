import test from 'ava';
import { labelSelectorFromObject, parseLabelSelector, validateLabelSelector } from './labels.ts';
import { parseFieldSelector } from './field-selector.ts';

const L = { app: 'web', tier: 'front', env: 'prod', n: '5' };

const matchCases: Array<[string, boolean]> = [
  ['', true],
  ['app=web', true],
  ['app==web', true],
  ['app!=web', false],
  ['missing!=x', true],
  ['app in (web, db)', true],
  ['app notin (web,db)', false],
  ['env notin (dev)', true],
  ['tier', true],
  ['!tier', false],
  ['!missing', true],
  ['app=web,tier=back', false],
  ['app=web, tier in (front),!missing,env', true],
  ['n>3', true],
  ['n<3', false],
  ['x=', false],
];

for (const [sel, want] of matchCases) {
  test(`label selector matches: ${JSON.stringify(sel)}`, (t) => {
    t.is(parseLabelSelector(sel).matches(L), want);
  });
}

const errorCases: Array<[string, string]> = [
  ['app in web', "found 'web', expected: '('"],
  ['app in (a b)', "found 'b', expected: ',' or ')'"],
  ['app=web tier', "found 'tier', expected: ',' or 'end of string'"],
  ['app=web,', "found '', expected: identifier after ','"],
  ['!', "found '', expected: identifier after '!'"],
  ['app foo', "found 'foo', expected: in, notin, =, ==, !=, gt, lt"],
  [',a', "found ',', expected: !, identifier, or 'end of string'"],
  ['app in ()', "unable to parse requirement: for 'in', 'notin' operators, values set can't be empty"],
  ['n>x', "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer"],
  ['a b=c', "found 'b', expected: in, notin, =, ==, !=, gt, lt"],
  [
    'a=-x',
    "unable to parse requirement: values[0][a]: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ],
];

for (const [sel, msg] of errorCases) {
  test(`label selector error: ${JSON.stringify(sel)}`, (t) => {
    t.throws(() => parseLabelSelector(sel), { message: msg });
  });
}

test('label selector string form is canonical and sorted', (t) => {
  t.is(parseLabelSelector('z=1, a in (x,y),!b').toString(), 'a in (x,y),!b,z=1');
});

test('LabelSelector objects', (t) => {
  t.false(labelSelectorFromObject(undefined).matches(L));
  t.true(labelSelectorFromObject({}).matches(L));
  const s = labelSelectorFromObject({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'env', operator: 'In', values: ['prod', 'stage'] },
      { key: 'x', operator: 'DoesNotExist' },
      { key: 'tier', operator: 'Exists' },
      { key: 'n', operator: 'NotIn', values: ['1'] },
    ],
  });
  t.true(s.matches(L));
  t.false(s.matches({ ...L, x: '' }));
  t.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), {
    message: '"Foo" is not a valid label selector operator',
  });
});

test('validateLabelSelector field paths', (t) => {
  const errs = validateLabelSelector(
    { matchExpressions: [{ key: 'a', operator: 'In' }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Gt' }] },
    'spec.selector',
  ).map((e) => `${e.field}: ${e.detail}`);
  t.deepEqual(errs, [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.selector.matchExpressions[2].operator: Invalid value: "Gt": not a valid selector operator',
  ]);
});

const fieldCases: Array<[string, Array<[string, string, string]>]> = [
  ['', []],
  ['a=b', [['a', '=', 'b']]],
  ['status.phase!=Running,spec.nodeName==n1', [['status.phase', '!=', 'Running'], ['spec.nodeName', '=', 'n1']]],
  ['metadata.name=a\\,b', [['metadata.name', '=', 'a,b']]],
];

for (const [sel, want] of fieldCases) {
  test(`field selector: ${JSON.stringify(sel)}`, (t) => {
    t.deepEqual(parseFieldSelector(sel).requirements.map((r) => [r.field, r.operator, r.value]), want);
  });
}

test('field selector matching and errors', (t) => {
  const f = parseFieldSelector('status.phase!=Succeeded,spec.nodeName=n1');
  const obj: Record<string, string> = { 'status.phase': 'Running', 'spec.nodeName': 'n1' };
  t.true(f.matches((k) => obj[k]));
  t.false(f.matches((k) => ({ ...obj, 'status.phase': 'Succeeded' })[k]));
  t.throws(() => parseFieldSelector('a,b=c'), { message: "invalid selector: 'a,b=c'; can't understand 'a'" });
});
