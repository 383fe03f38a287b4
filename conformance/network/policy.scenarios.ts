// NetworkPolicy on a real node (conformance/node's netns frame): busybox pods, requests made
// with `kubectl exec … nc` from the client pods, policies applied with kubectl. Each step
// waits for the traffic to change (the node's rules follow policies, pods and labels) and
// says how long that took.

import type { NodeCtx, NodeScenario } from '../node/scenario.ts';
import { apply } from '../node/pods.scenarios.ts';

const ask = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2`;

async function startPod(c: NodeCtx, ns: string, name: string, labels: Record<string, string>, server: boolean): Promise<string> {
  const command = server ? ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'] : ['sleep', '3600'];
  const manifest = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: c.image, command, ...(server ? { ports: [{ name: 'http', containerPort: 8080 }] } : {}) }] },
  };
  await c.ok(['apply', '-n', ns, '-f', '-'], { stdin: JSON.stringify(manifest) });
  return c.waitFor(`pod ${ns}/${name} running`, async () => {
    const p = JSON.parse(await c.ok(['get', 'pod', name, '-n', ns, '-o', 'json']));
    return p.status?.phase === 'Running' && p.status.podIP ? (p.status.podIP as string) : undefined;
  }, 120_000);
}

/** What `from` gets asking ip:8080 ('' when nothing answers within 2 s). */
async function request(c: NodeCtx, ns: string, from: string, ip: string): Promise<string> {
  const r = await c.run(['exec', '-n', ns, from, '--', 'sh', '-c', `${ask} ${ip} 8080 2>/dev/null | tail -n 1`]);
  return r.stdout.trim();
}

/** Waits until `from` asking `ip` gets `want` ('' for no answer); logs how long it took. */
async function expect(c: NodeCtx, what: string, ns: string, from: string, ip: string, want: string): Promise<void> {
  const started = Date.now();
  let last = '';
  await c.waitFor(what, async () => ((last = await request(c, ns, from, ip)) === want ? true : undefined), 30_000).catch((e: Error) => {
    throw new Error(`${e.message}: ${from} -> ${ip} got ${JSON.stringify(last)}, want ${JSON.stringify(want)}`);
  });
  c.t.log(`${what}: after ${Date.now() - started} ms`);
  // Still so a moment later (not a race with the previous rules).
  c.t.is(await request(c, ns, from, ip), want, `${what} (again)`);
}

const policy = (c: NodeCtx, name: string, spec: Record<string, unknown>) => apply(c, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: c.ns }, spec });

export const policyScenarios: NodeScenario[] = [
  {
    title: 'NetworkPolicy: default deny, allow from a labelled pod and from a namespace, labels followed, egress deny with DNS, ipBlock',
    id: 'netpol',
    timeoutMs: 420_000,
    async run(c) {
      const peerNs = `${c.ns}-peer`;
      await c.ok(['create', 'namespace', peerNs]);
      await c.ok(['label', 'namespace', peerNs, 'team=peer']);
      const [web, , other] = await Promise.all([
        startPod(c, c.ns, 'web', { app: 'web' }, true),
        startPod(c, c.ns, 'front', { role: 'front' }, false),
        startPod(c, c.ns, 'other', {}, false),
        startPod(c, peerNs, 'peer', {}, false),
      ]);
      await expect(c, 'open before any policy', c.ns, 'other', web, 'web');

      await policy(c, 'deny', { podSelector: {}, policyTypes: ['Ingress'] });
      await expect(c, 'default deny ingress', c.ns, 'other', web, '');
      c.t.is(await request(c, c.ns, 'front', web), '', 'denied from front too');
      c.t.is(await request(c, c.ns, 'web', other), '', 'other is isolated as well (no server there either way)');

      await policy(c, 'from-front', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'front' } } }], ports: [{ port: 'http' }] }] });
      await expect(c, 'allowed from the labelled pod (named port)', c.ns, 'front', web, 'web');
      c.t.is(await request(c, c.ns, 'other', web), '', 'still denied from an unlabelled pod');
      c.t.is(await request(c, peerNs, 'peer', web), '', 'and from the other namespace');

      await policy(c, 'from-peer-ns', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'peer' } } }] }] });
      await expect(c, 'allowed from the labelled namespace', peerNs, 'peer', web, 'web');

      await c.ok(['label', 'pod', 'other', 'role=front']);
      await expect(c, 'a label added to a pod lets it in', c.ns, 'other', web, 'web');
      await c.ok(['label', 'pod', 'other', 'role-']);
      await expect(c, 'and its removal shuts it out', c.ns, 'other', web, '');

      await policy(c, 'egress-dns-only', { podSelector: { matchLabels: { role: 'front' } }, policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] });
      await expect(c, 'egress denied but for DNS', c.ns, 'front', web, '');
      const lookup = await c.run(['exec', 'front', '--', 'nslookup', '-type=a', 'kubernetes.default.svc.cluster.local']);
      c.t.regex(lookup.stdout, /Address:?\s+10\.96\.0\.1\b/, `DNS still answers: ${lookup.stdout}${lookup.stderr}`);

      await c.ok(['delete', 'networkpolicy', 'from-front', 'from-peer-ns', 'egress-dns-only']);
      await policy(c, 'block', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.88.0.0/16', except: [`${other}/32`] } }] }] });
      await expect(c, 'allowed from the block', c.ns, 'front', web, 'web');
      await expect(c, 'denied from the excepted address', c.ns, 'other', web, '');
      await expect(c, 'allowed from the block, any namespace', peerNs, 'peer', web, 'web');

      await c.ok(['delete', 'networkpolicy', '--all']);
      await expect(c, 'open again without policies', c.ns, 'other', web, 'web');
      await c.ok(['delete', 'namespace', peerNs, '--wait=false']);
    },
  },
];
