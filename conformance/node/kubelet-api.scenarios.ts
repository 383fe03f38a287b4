// The kubelet's own API (port 10250) asked directly, as metrics-server or a monitoring agent
// does: the kubelet asks the apiserver who a bearer token is (TokenReview) and whether it may
// (SubjectAccessReview on nodes/proxy, nodes/stats...), so RBAC decides.

import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { load } from 'js-yaml';
import { WebSocket } from 'ws';
import type { NodeCtx, NodeScenario } from './scenario.ts';
import { apply, phase, podManifest } from './pods.scenarios.ts';

interface KubeletAddress {
  base: string;
  ca: string;
}

async function kubeletAddress(c: NodeCtx): Promise<KubeletAddress> {
  const node = JSON.parse(await c.ok(['get', 'node', c.node, '-o', 'json'])) as { status: { addresses: { type: string; address: string }[]; daemonEndpoints: { kubeletEndpoint: { Port: number } } } };
  const ip = node.status.addresses.find((a) => a.type === 'InternalIP')!.address;
  const kc = load(await readFile(c.kubeconfig, 'utf8')) as { clusters: { cluster: { 'certificate-authority-data': string } }[] };
  return { base: `https://${ip}:${node.status.daemonEndpoints.kubeletEndpoint.Port}`, ca: Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString() };
}

function kubeletGet(k: KubeletAddress, path: string, token: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${k.base}${path}`, { ca: k.ca, headers: { authorization: `Bearer ${token}` }, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** exec over the kubelet's WebSocket (v4.channel.k8s.io): stdout, or `HTTP <code> <body>` when refused. */
function kubeletExec(k: KubeletAddress, path: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${k.base.replace('https', 'wss')}${path}`, ['v4.channel.k8s.io'], { ca: k.ca, headers: { authorization: `Bearer ${token}` } });
    let out = '';
    ws.on('message', (m: Buffer) => {
      if (m[0] === 1) out += m.subarray(1).toString();
    });
    ws.on('close', () => resolve(out));
    ws.on('unexpected-response', (_req, res) => {
      let b = '';
      res.on('data', (d: Buffer) => (b += d.toString()));
      res.on('end', () => resolve(`HTTP ${res.statusCode} ${b.trim()}`));
    });
    ws.on('error', reject);
  });
}

export const kubeletApiScenarios: NodeScenario[] = [
  {
    title: 'the kubelet API delegates to the apiserver: a token with nodes/proxy may read logs and exec, one without is refused 403, no token 401',
    id: 'kubelet-authz',
    async run(c) {
      await apply(c, podManifest(c, 'box', { containers: [{ name: 'c', image: c.image, command: ['sh', '-c', 'echo hello; sleep 3600'] }] }));
      await c.ok(['create', 'serviceaccount', 'proxier']);
      await c.ok(['create', 'serviceaccount', 'nobody']);
      await c.ok(['create', 'clusterrole', `${c.ns}-node-proxy`, '--verb=get,create', '--resource=nodes/proxy']);
      await c.ok(['create', 'clusterrolebinding', `${c.ns}-node-proxy`, `--clusterrole=${c.ns}-node-proxy`, `--serviceaccount=${c.ns}:proxier`]);
      const allowed = (await c.ok(['create', 'token', 'proxier'])).trim();
      const refused = (await c.ok(['create', 'token', 'nobody'])).trim();
      await phase(c, 'box', 'Running');
      const k = await kubeletAddress(c);
      const logs = `/containerLogs/${c.ns}/box/c`;
      await c.waitFor('the log line', async () => ((await kubeletGet(k, logs, allowed)).body === 'hello\n' ? true : undefined), 20_000);
      c.t.deepEqual(await kubeletGet(k, logs, refused), { code: 403, body: `Forbidden (user=system:serviceaccount:${c.ns}:nobody, verb=get, resource=nodes, subresource=proxy)\n` });
      c.t.deepEqual(await kubeletGet(k, logs, 'not-a-token'), { code: 401, body: 'Unauthorized\n' });
      // nodes/stats is another subresource: nodes/proxy does not grant it.
      c.t.is((await kubeletGet(k, '/stats/summary', allowed)).code, 403);
      const exec = `/exec/${c.ns}/box/c?command=echo&command=from-exec&output=1&stdout=1`;
      c.t.is(await kubeletExec(k, exec, allowed), 'from-exec\n');
      c.t.is(await kubeletExec(k, exec, refused), `HTTP 403 Forbidden (user=system:serviceaccount:${c.ns}:nobody, verb=get, resource=nodes, subresource=proxy)`);
      await c.ok(['delete', 'clusterrolebinding,clusterrole', `${c.ns}-node-proxy`]);
    },
  },
  {
    title: 'kubectl top node and top pod: metrics.k8s.io from the kubelet\'s stats (a spinning container uses CPU)',
    id: 'top',
    async run(c) {
      await apply(c, podManifest(c, 'spin', { containers: [{ name: 'c', image: c.image, command: ['sh', '-c', 'while :; do :; done'], resources: { limits: { cpu: '100m', memory: '32Mi' } } }] }));
      await phase(c, 'spin', 'Running');
      const node = await c.ok(['top', 'node', c.node, '--no-headers']);
      c.t.regex(node, new RegExp(`^${c.node}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%\\s*$`));
      // The rate is measured between two scrapes: a spinning container held to 100m shows it.
      const line = await c.waitFor('CPU use of the spinning pod', async () => {
        const out = (await c.run(['top', 'pod', 'spin', '--no-headers'])).stdout;
        const m = /^spin\s+(\d+)m\s+(\d+)Mi/.exec(out);
        return m && Number(m[1]) >= 20 ? out : undefined;
      }, 40_000);
      c.t.log(line.trim());
      const m = /^spin\s+(\d+)m/.exec(line)!;
      c.t.true(Number(m[1]) <= 150, `held to its 100m limit: ${line}`);
    },
  },
];
