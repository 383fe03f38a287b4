import test from 'ava';
import { makeRequest } from '../../../node/bootstrap/certificate.ts';
import { fakeEnv } from '../../../testing/controllers/env.ts';
import { recognize, newCsrApprovingReconciler } from './approving.ts';
import { R } from './resources.ts';
import type { CsrObject } from './signers.ts';

async function csr(o: { signer: string; cn: string; orgs?: string[]; sans?: string[]; usages: string[]; username: string; groups: string[] }): Promise<CsrObject> {
  const { csrPem } = await makeRequest({ commonName: o.cn, organizations: o.orgs ?? ['system:nodes'], sans: o.sans });
  return {
    metadata: { name: 'c1' },
    spec: { request: Buffer.from(csrPem).toString('base64'), signerName: o.signer, usages: o.usages, username: o.username, groups: o.groups },
  };
}

const CLIENT = 'kubernetes.io/kube-apiserver-client-kubelet';
const SERVING = 'kubernetes.io/kubelet-serving';

const cases: [string, Parameters<typeof csr>[0], string | undefined][] = [
  ['a bootstrapper asking for a node client cert', { signer: CLIENT, cn: 'system:node:a', usages: ['digital signature', 'client auth'], username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] }, 'nodeclient'],
  ['a node renewing its own client cert', { signer: CLIENT, cn: 'system:node:a', usages: ['client auth'], username: 'system:node:a', groups: ['system:nodes'] }, 'selfnodeclient'],
  ['a node asking for its serving cert', { signer: SERVING, cn: 'system:node:a', sans: ['a', '10.0.0.1'], usages: ['digital signature', 'server auth'], username: 'system:node:a', groups: ['system:nodes'] }, 'nodeserving'],
  ['a node asking for another node serving cert', { signer: SERVING, cn: 'system:node:b', sans: ['b'], usages: ['server auth'], username: 'system:node:a', groups: ['system:nodes'] }, undefined],
  ['a bootstrapper asking for a serving cert', { signer: SERVING, cn: 'system:node:a', sans: ['a'], usages: ['server auth'], username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] }, undefined],
  ['an ordinary user asking for a node client cert', { signer: CLIENT, cn: 'system:node:a', usages: ['client auth'], username: 'alice', groups: ['devs'] }, undefined],
  ['a client cert for masters', { signer: CLIENT, cn: 'system:node:a', orgs: ['system:masters'], usages: ['client auth'], username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] }, undefined],
  ['a node client cert with server auth', { signer: CLIENT, cn: 'system:node:a', usages: ['client auth', 'server auth'], username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] }, undefined],
  ['a user client cert (an admin approves those)', { signer: 'kubernetes.io/kube-apiserver-client', cn: 'bob', orgs: [], usages: ['client auth'], username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] }, undefined],
  ['a node asking for a kube-proxy client cert', { signer: 'kubernetes.io/kube-apiserver-client', cn: 'system:kube-proxy', orgs: [], usages: ['digital signature', 'key encipherment', 'client auth'], username: 'system:node:a', groups: ['system:nodes', 'system:authenticated'] }, 'nodeproxier'],
  ['a node asking for kube-proxy with a group', { signer: 'kubernetes.io/kube-apiserver-client', cn: 'system:kube-proxy', orgs: ['system:masters'], usages: ['client auth'], username: 'system:node:a', groups: ['system:nodes'] }, undefined],
  ['a node asking for another user', { signer: 'kubernetes.io/kube-apiserver-client', cn: 'system:kube-scheduler', orgs: [], usages: ['client auth'], username: 'system:node:a', groups: ['system:nodes'] }, undefined],
  ['a bootstrapper asking for kube-proxy', { signer: 'kubernetes.io/kube-apiserver-client', cn: 'system:kube-proxy', orgs: [], usages: ['client auth'], username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] }, undefined],
  ['a node asking for kube-proxy with server auth', { signer: 'kubernetes.io/kube-apiserver-client', cn: 'system:kube-proxy', orgs: [], usages: ['client auth', 'server auth'], username: 'system:node:a', groups: ['system:nodes'] }, undefined],
];

for (const [name, spec, want] of cases) {
  test(`recognizes ${name}`, async (t) => {
    t.is(await recognize(await csr(spec)), want as Awaited<ReturnType<typeof recognize>>);
  });
}

test('the reconciler approves through the approval subresource, once', async (t) => {
  const env = fakeEnv();
  env.client.seed(R.csrs, await csr(cases[0][1]));
  const reconcile = newCsrApprovingReconciler(env.ctx);
  await reconcile('c1');
  const got = env.client.peek<CsrObject>(R.csrs, '', 'c1');
  t.deepEqual(got?.status?.conditions?.map((c) => [c.type, c.status, c.reason]), [['Approved', 'True', 'AutoApproved']]);
  const writes = env.client.calls.length;
  await reconcile('c1');
  t.is(env.client.calls.length, writes);
});
