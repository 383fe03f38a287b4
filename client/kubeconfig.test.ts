import test from 'ava';
import { dump } from 'js-yaml';
import { kubeconfigFromString } from './kubeconfig.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443/', 'certificate-authority-data': b64('CA'), ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });
}

const cases: Array<{ name: string; text: string; want: { token?: string; cert?: string; key?: string; auth?: string; skip?: boolean } }> = [
  { name: 'client certificate', text: kubeconfig({ 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') }), want: { cert: 'CERT', key: 'KEY' } },
  { name: 'bearer token', text: kubeconfig({ token: 'abc.def' }), want: { token: 'abc.def' } },
  { name: 'basic auth', text: kubeconfig({ username: 'me', password: 'pw' }), want: { auth: `Basic ${b64('me:pw')}` } },
  { name: 'insecure cluster', text: kubeconfig({ token: 't' }, { 'insecure-skip-tls-verify': true }), want: { token: 't', skip: true } },
];

for (const c of cases) {
  test(`kubeconfig: ${c.name}`, async (t) => {
    const cfg = kubeconfigFromString(c.text);
    t.is(cfg.server, 'https://127.0.0.1:6443');
    t.is(cfg.ca?.toString(), 'CA');
    t.is(cfg.token, c.want.token);
    t.is(cfg.cert?.toString(), c.want.cert);
    t.is(cfg.key?.toString(), c.want.key);
    t.is(await cfg.authorization?.(), c.want.auth);
    t.is(cfg.insecureSkipTLSVerify, c.want.skip ?? false);
  });
}
