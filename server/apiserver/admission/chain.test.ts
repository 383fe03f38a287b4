import test from 'ava';
import { AdmissionChain } from './chain.ts';
import { builtinPlugins, createAdmissionChain } from './plugins.ts';
import { admissionDeps, attributes } from '../../../testing/admission.ts';
import type { AdmissionPlugin, Attributes } from './types.ts';

function recorder(name: string, log: string[], ops?: string[]): AdmissionPlugin {
  return {
    name,
    handles: ops ? (op) => ops.includes(op) : undefined,
    admit: () => void log.push(`${name}.admit`),
    validate: () => void log.push(`${name}.validate`),
  };
}

test('every mutating half runs in order before any validating half', async (t) => {
  const log: string[] = [];
  const chain = new AdmissionChain([recorder('A', log), recorder('B', log)]);
  const a = attributes('CREATE', 'configmaps', { object: { metadata: { name: 'c' } } });
  await chain.admit(a);
  await chain.validate(a);
  t.deepEqual(log, ['A.admit', 'B.admit', 'A.validate', 'B.validate']);
});

test('a plugin sees only the operations it handles', async (t) => {
  const log: string[] = [];
  const chain = new AdmissionChain([recorder('OnlyDelete', log, ['DELETE']), recorder('All', log)]);
  await chain.admit(attributes('CREATE', 'configmaps', { object: { metadata: { name: 'c' } } }));
  t.deepEqual(log, ['All.admit']);
});

test('a rejection stops the chain', async (t) => {
  const log: string[] = [];
  const reject: AdmissionPlugin = { name: 'Deny', validate: () => { throw new Error('denied'); } };
  const chain = new AdmissionChain([reject, recorder('After', log)]);
  await t.throwsAsync(chain.validate(attributes('CREATE', 'configmaps')), { message: 'denied' });
  t.deepEqual(log, []);
});

test('plugins join before a named one, and replace one of the same name', (t) => {
  const log: string[] = [];
  const chain = new AdmissionChain([recorder('A', log), recorder('C', log)]);
  chain.add(recorder('B', log), 'C');
  chain.add(recorder('Z', log));
  chain.add(recorder('A', log), 'Z');
  t.deepEqual(chain.names(), ['B', 'C', 'A', 'Z']);
  chain.remove('C');
  t.deepEqual(chain.names(), ['B', 'A', 'Z']);
});

test('the built-in chain has upstream names in upstream order', (t) => {
  const chain = createAdmissionChain(admissionDeps());
  t.deepEqual(chain.names(), ['NamespaceLifecycle', 'LimitRanger', 'ServiceAccount', 'NodeRestriction', 'Priority', 'DefaultTolerationSeconds', 'PodSecurity', 'DefaultStorageClass', 'StorageObjectInUseProtection', 'PersistentVolumeClaimResize', 'ResourceQuota']);
  t.is(builtinPlugins.length, 11);
});

test('mutations by an admit are what the next plugin sees', async (t) => {
  const first: AdmissionPlugin = { name: 'Label', admit: (a: Attributes) => void ((a.object!.metadata ??= {}).labels = { set: 'yes' }) };
  let seen: unknown;
  const second: AdmissionPlugin = { name: 'Read', admit: (a: Attributes) => void (seen = a.object!.metadata?.labels) };
  await new AdmissionChain([first, second]).admit(attributes('CREATE', 'configmaps', { object: { metadata: { name: 'c' } } }));
  t.deepEqual(seen, { set: 'yes' });
});
