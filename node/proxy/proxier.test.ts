// The proxier over a real apiserver's informers, installing into a namespace this test creates.
import test from 'ava';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { createInformerFactory } from '../../client/informer.ts';
import { startTestServer, eventually } from '../../testing/test-server.ts';
import { netnsCheck } from '../../testing/netns.ts';
import { nftRunner } from './apply.ts';
import { startProxier } from './proxier.ts';
import { ENDPOINT_SLICES, SERVICES } from './types.ts';

const run = promisify(execFile);
const check = netnsCheck();

(check.skipReason ? test.skip : test)('Service and EndpointSlice changes reach the kernel ruleset', async (t) => {
  const netns = `kt${randomBytes(3).toString('hex')}-proxy`;
  await run('ip', ['netns', 'add', netns]);
  const ts = await startTestServer();
  const client = ts.client();
  const informers = createInformerFactory(client);
  const nft = nftRunner(netns);
  const proxier = startProxier({ informers, nodeName: 'n1', nft, clusterCIDR: '10.244.0.0/16' });
  informers.start();
  t.teardown(async () => {
    proxier.stop();
    informers.stop();
    await ts.close();
    await run('ip', ['netns', 'del', netns]);
  });
  const svc = await client.create<{ spec: { clusterIP: string } }>(SERVICES, 'default', { metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
  const ip = svc.spec.clusterIP;
  const map = (name: string) => nft(['list', 'map', 'ip', 'kubets-proxy', name]);
  await eventually(async () => (await map('no-endpoint-services').catch(() => '')).includes(`${ip} . tcp . 80 : goto reject-chain`), 5000, 'reject entry');
  await client.create(ENDPOINT_SLICES, 'default', {
    metadata: { name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.0.2'], conditions: { ready: true }, nodeName: 'n1' }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
  await eventually(async () => (await map('service-ips')).includes(`${ip} . tcp . 80 : goto svc-`), 5000, 'service entry');
  t.false((await map('no-endpoint-services')).includes(ip));
  t.regex(await nft(['list', 'table', 'ip', 'kubets-proxy']), /dnat to 10\.244\.0\.2:8080/);
  await client.delete(SERVICES, 'default', 'web');
  await eventually(async () => !(await map('service-ips')).includes(ip), 5000, 'entry removed');
  t.notRegex(await nft(['list', 'table', 'ip', 'kubets-proxy']), /dnat to 10\.244\.0\.2/);
});
