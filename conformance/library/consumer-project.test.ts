import test from 'ava';
import { lockClosure, resolveInLock, withResolved, type PackageLock } from './consumer-project.ts';

const lock: PackageLock = {
  name: 'x',
  lockfileVersion: 3,
  packages: {
    '': { dependencies: { a: '^1' } },
    'node_modules/a': { version: '1.0.0', dependencies: { b: '^1', c: '^2' }, optionalDependencies: { gone: '*' } },
    'node_modules/b': { version: '1.2.0', dependencies: { c: '^1' } },
    'node_modules/c': { version: '1.0.0' },
    'node_modules/a/node_modules/c': { version: '2.0.0' },
    'node_modules/@s/d': { version: '3.0.0' },
    'node_modules/unused': { version: '9.0.0', dev: true },
  },
};

test('resolveInLock walks up the node_modules folders as Node does', (t) => {
  t.is(resolveInLock(lock, 'node_modules/a', 'c'), 'node_modules/a/node_modules/c');
  t.is(resolveInLock(lock, 'node_modules/b', 'c'), 'node_modules/c');
  t.is(resolveInLock(lock, '', 'a'), 'node_modules/a');
  t.is(resolveInLock(lock, 'node_modules/a', 'nope'), undefined);
});

test('lockClosure takes what the roots need, skips absent optional ones and everything else', (t) => {
  t.deepEqual([...lockClosure(lock, ['a'])].sort(), ['node_modules/a', 'node_modules/a/node_modules/c', 'node_modules/b', 'node_modules/c']);
  t.throws(() => lockClosure(lock, ['missing']), { message: /missing \(needed by the root\) is not in the lock/ });
});

test('withResolved fills in the registry tarball URL, scoped names too, and keeps one already there', (t) => {
  const r = 'https://registry.example/';
  t.is(withResolved('node_modules/@s/d', lock.packages['node_modules/@s/d']!, r).resolved, 'https://registry.example/@s/d/-/d-3.0.0.tgz');
  t.is(withResolved('node_modules/a/node_modules/c', lock.packages['node_modules/a/node_modules/c']!, r).resolved, 'https://registry.example/c/-/c-2.0.0.tgz');
  t.is(withResolved('node_modules/c', { version: '1.0.0', resolved: 'file:c.tgz' }, r).resolved, 'file:c.tgz');
});
