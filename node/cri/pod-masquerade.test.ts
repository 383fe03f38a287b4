// The pod CIDR's masquerade installed for real in namespaces the test creates (testing/netns.ts):
// a pod reaching beyond the node is seen from the node's address, a pod reaching another pod
// keeps its own; installing twice leaves one jump; removing it stops the masquerade.

import test from 'ava';
import { fileURLToPath } from 'node:url';
import { createTestbed, netnsCheck, type Testbed } from '../../testing/netns.ts';

const check = netnsCheck();
const MODULE = fileURLToPath(new URL('./pod-masquerade.ts', import.meta.url));
const CIDR = '10.244.0.0/24';
// Answers each connection with the address it came from.
const PEER_SERVER = "require('net').createServer((s) => s.end(s.remoteAddress)).listen(8080, '0.0.0.0', () => console.log('ready'))";
const PEER_ASK = (host: string) => `require('net').connect(8080, '${host}').on('data', (d) => process.stdout.write(d)).on('error', (e) => { console.error(e.message); process.exit(1); })`;

async function serve(tb: Testbed, netns: string): Promise<void> {
  const p = tb.spawn(netns, ['node', '-e', PEER_SERVER]);
  await new Promise<void>((resolve, reject) => {
    p.stdout!.once('data', () => resolve());
    p.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}

const inNode = (tb: Testbed, call: string) => tb.exec(tb.node, ['node', '--import=tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(MODULE)}); await m.${call};`]);

(check.skipReason ? test.skip : test)('one rule masquerades the pod CIDR beyond the node and nothing inside it', async (t) => {
  const tb = await createTestbed({ pods: 2, outside: true });
  t.teardown(() => tb.close());
  await serve(tb, tb.outside!.netns);
  await serve(tb, tb.pods[1].netns);
  const [pod, other] = tb.pods;
  const ask = (host: string) => tb.exec(pod.netns, ['node', '-e', PEER_ASK(host)]);
  t.is(await ask(tb.outside!.ip), pod.ip, 'no masquerade before it is installed');
  await inNode(tb, `ensurePodMasquerade(${JSON.stringify(CIDR)})`);
  await inNode(tb, `ensurePodMasquerade(${JSON.stringify(CIDR)})`);
  const jumps = (await tb.exec(tb.node, ['iptables', '-t', 'nat', '-S', 'POSTROUTING'])).split('\n').filter((l) => l.includes('KUBETS-POD-MASQ'));
  t.is(jumps.length, 1, jumps.join('\n'));
  t.is(await ask(tb.outside!.ip), '192.168.50.1', 'beyond the node: the node address');
  t.is(await ask(other.ip), pod.ip, 'pod to pod: the pod keeps its address');
  await inNode(tb, `removePodMasquerade(${JSON.stringify(CIDR)})`);
  t.false((await tb.exec(tb.node, ['iptables-save', '-t', 'nat'])).includes('KUBETS-POD-MASQ'));
  t.is(await ask(tb.outside!.ip), pod.ip);
});
