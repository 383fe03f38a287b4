// Kubernetes' CEL library functions that cel-es does not ship: the list extensions
// (isSorted, sum, min, max, indexOf, lastIndexOf) and the regex ones (find, findAll).

import { celMethod, CelScalar, listType, type CelFunc } from '@bufbuild/cel';

type Cmp = string | number | bigint | boolean;
const DYN_LIST = listType(CelScalar.DYN);
const items = (l: Iterable<unknown>): Cmp[] => [...l] as Cmp[];
const lt = (a: Cmp, b: Cmp) => a < b;

function sum(l: Iterable<unknown>): unknown {
  const a = items(l);
  if (a.length === 0) return 0n;
  if (typeof a[0] === 'bigint') return (a as bigint[]).reduce((x, y) => x + y, 0n);
  return (a as number[]).reduce((x, y) => x + y, 0);
}

function extreme(l: Iterable<unknown>, better: (a: Cmp, b: Cmp) => boolean): unknown {
  const a = items(l);
  if (a.length === 0) throw new Error('min/max called on an empty list');
  return a.reduce((x, y) => (better(y, x) ? y : x));
}

export const KUBERNETES_CEL_FUNCS: CelFunc[] = [
  celMethod('isSorted', DYN_LIST, [], CelScalar.BOOL, function () {
    const a = items(this);
    return a.every((x, i) => i === 0 || !lt(x, a[i - 1]!));
  }),
  celMethod('sum', DYN_LIST, [], CelScalar.DYN, function () {
    return sum(this) as never;
  }),
  celMethod('min', DYN_LIST, [], CelScalar.DYN, function () {
    return extreme(this, lt) as never;
  }),
  celMethod('max', DYN_LIST, [], CelScalar.DYN, function () {
    return extreme(this, (a, b) => a > b) as never;
  }),
  celMethod('indexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    return BigInt(items(this).findIndex((y) => y === x));
  }),
  celMethod('lastIndexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    const a = items(this);
    for (let i = a.length - 1; i >= 0; i--) if (a[i] === x) return BigInt(i);
    return -1n;
  }),
  celMethod('find', CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (re) {
    return new RegExp(re, 'u').exec(this)?.[0] ?? '';
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING], listType(CelScalar.STRING), function (re) {
    return [...this.matchAll(new RegExp(re, 'gu'))].map((m) => m[0]);
  }),
];
