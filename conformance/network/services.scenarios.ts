// Service networking on a real node (conformance/node's netns frame): a Deployment behind a
// Service answers by ClusterIP, by DNS name (search paths from the pod's resolv.conf), by
// NodePort and by LoadBalancer IP from another pod; ClientIP affinity; hairpin; REJECT
// without endpoints; no failed request across a rolling update. Clients are busybox pods that
// run their requests and report through the termination message (busybox wget segfaults
// here: requests are `nc` with an HTTP/1.0 line; servers are busybox httpd answering with
// their hostname).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { NodeCtx, NodeScenario } from '../node/scenario.ts';
import { apply, phase, podManifest } from '../node/pods.scenarios.ts';

const run = promisify(execFile);

/** httpd on 8080 answering "/" with the pod's hostname. */
const serverContainer = (c: NodeCtx, extra: Record<string, unknown> = {}) => ({
  name: 'web',
  image: c.image,
  command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'],
  ports: [{ name: 'http', containerPort: 8080 }],
  readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
  ...extra,
});

async function deployment(c: NodeCtx, name: string, replicas: number, extra: Record<string, unknown> = {}, strategy?: unknown): Promise<void> {
  await apply(c, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: c.ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      ...(strategy ? { strategy } : {}),
      template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 10, containers: [serverContainer(c, extra)] } },
    },
  });
}

async function service(c: NodeCtx, name: string, spec: Record<string, unknown>): Promise<{ clusterIP: string; nodePort?: number }> {
  await apply(c, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: c.ns }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec } });
  const svc = JSON.parse(await c.ok(['get', 'service', name, '-o', 'json']));
  return { clusterIP: svc.spec.clusterIP, nodePort: svc.spec.ports[0].nodePort };
}

async function readyEndpoints(c: NodeCtx, name: string, want: number): Promise<void> {
  await c.waitFor(`${want} ready endpoints of ${name}`, async () => {
    const out = await c.run(['get', 'endpointslices', '-l', `kubernetes.io/service-name=${name}`, '-o', 'json']);
    const slices = out.code === 0 ? (JSON.parse(out.stdout).items as { endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[] }[]) : [];
    // Distinct addresses: the same endpoint in two slices (seen from the endpointslice controller) counts once, as the proxy counts it.
    return new Set(slices.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).map((e) => e.addresses[0])).size === want ? true : undefined;
  }, 120_000).catch(async (e: Error) => {
    const slices = await c.run(['get', 'endpointslices', '-o', 'yaml']);
    const pods = await c.run(['get', 'pods', '-o', 'wide']);
    throw new Error(`${e.message}\n${slices.stdout}\n${pods.stdout}`);
  });
}

/**
 * A client pod that asks each target `count` times (HTTP/1.0 over busybox nc, 2 s timeout)
 * and reports "target=answer,answer,...;" per target, FAIL for a failed request.
 */
async function ask(c: NodeCtx, pod: string, targets: string[], count: number, pauseS = 0): Promise<Record<string, string[]>> {
  const script = targets
    .map((t) => {
      const [host, port] = t.split(':');
      // A name is looked up each time with busybox nslookup (the static busybox's own
      // resolver: its nc cannot resolve names without glibc's NSS libraries in the image).
      const addr = /[a-z]/.test(host) ? `$(${lookup(host)})` : host;
      return `printf '${t}=' >> /tmp/out; i=0; while [ $i -lt ${count} ]; do r=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${addr} ${port} 2>/dev/null | tail -n 1); [ -n "$r" ] || r=FAIL; printf '%s,' "$r" >> /tmp/out; i=$((i+1)); ${pauseS ? `sleep ${pauseS};` : ''} done; printf ';' >> /tmp/out;`;
    })
    .join(' ');
  await apply(c, podManifest(c, pod, { restartPolicy: 'Never', containers: [{ name: 'c', image: c.image, command: ['sh', '-c', `${script} cat /tmp/out > /dev/termination-log`] }] }));
  const s = await phase(c, pod, 'Succeeded', 240_000);
  const out: Record<string, string[]> = {};
  for (const part of (s.state.terminated?.message ?? '').split(';').filter(Boolean)) {
    const [t, answers] = part.split('=');
    out[t] = answers.split(',').filter(Boolean);
  }
  return out;
}

/** A shell command printing the first IPv4 address busybox nslookup finds for `name` (search paths apply). */
const lookup = (name: string) => `nslookup -type=a ${name} 2>/dev/null | awk '/^Name:/ {n=1} n && /^Address/ {sub(/.*[ \\t]/, ""); print; exit}'`;

const fails = (xs: string[]) => xs.filter((x) => x === 'FAIL').length;

export const serviceScenarios: NodeScenario[] = [
  {
    title: 'pods get the cluster DNS: resolv.conf as the kubelet writes it, Service names resolve, other names NXDOMAIN',
    id: 'dns',
    timeoutMs: 240_000,
    async run(c) {
      const { clusterIP } = await service(c, 'named', {});
      await apply(c, podManifest(c, 'client', {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: c.image, command: ['sh', '-c', 'cat /etc/resolv.conf > /tmp/o; echo --- >> /tmp/o; nslookup -type=a kubernetes.default.svc.cluster.local >> /tmp/o 2>&1; echo --- >> /tmp/o; nslookup -type=a nope.default.svc.cluster.local >> /tmp/o 2>&1; echo --- >> /tmp/o; nslookup named >> /tmp/o 2>&1; cat /tmp/o > /dev/termination-log'] }],
      }));
      const s = await phase(c, 'client', 'Succeeded', 180_000);
      const [conf, found, missing, short] = (s.state.terminated?.message ?? '').split('---\n');
      c.t.log(conf, found, missing, short);
      c.t.regex(conf, /^nameserver 10\.96\.0\.10$/m);
      c.t.regex(conf, new RegExp(`^search ${c.ns}\\.svc\\.cluster\\.local svc\\.cluster\\.local cluster\\.local`, 'm'));
      c.t.regex(conf, /^options ndots:5$/m);
      c.t.regex(found, /Name:\s+kubernetes\.default\.svc\.cluster\.local\nAddress: 10\.96\.0\.1\n/);
      c.t.regex(missing, /NXDOMAIN/);
      // One label: busybox applies the search path (A and AAAA for each domain); the pod's own
      // namespace comes first. (`nslookup kubernetes.default` is not searched at all by busybox
      // >= 1.28: it asks for `kubernetes.default.` as it is, which the cluster DNS forwards
      // upstream, as CoreDNS does; resolvers that honour ndots, glibc's and musl's, search it.)
      c.t.regex(short, new RegExp(`Name:\\s+named\\.${c.ns}\\.svc\\.cluster\\.local\\nAddress: ${clusterIP.replace(/\./g, '\\.')}\\n`));
    },
  },
  {
    title: 'a Deployment behind a Service answers by ClusterIP, by DNS name and by NodePort from another pod',
    id: 'reach',
    timeoutMs: 300_000,
    async run(c) {
      await deployment(c, 'web', 2);
      const { clusterIP, nodePort } = await service(c, 'web', { type: 'NodePort' });
      await readyEndpoints(c, 'web', 2);
      const node = '10.88.0.1'; // the node's address on the pod network (the CNI bridge)
      const got = await ask(c, 'client', [`${clusterIP}:80`, 'web:80', `web.${c.ns}.svc.cluster.local:80`, `${node}:${nodePort}`], 8);
      c.t.log(got);
      for (const [target, answers] of Object.entries(got)) c.t.is(fails(answers), 0, `${target}: ${answers.join(',')}`);
      c.t.is(new Set(got[`${clusterIP}:80`]).size, 2, `both pods answer the ClusterIP: ${got[`${clusterIP}:80`]}`);
      c.t.regex(got['web:80'][0], /^web-/);
    },
  },
  {
    title: 'a LoadBalancer Service gets the node address from the cloud-controller-manager and answers on it',
    id: 'lb',
    timeoutMs: 300_000,
    async run(c) {
      // A second node address (the node's "external" one), as the cloud provider reports it.
      await run('ip', ['link', 'add', 'kt-lb0', 'type', 'veth', 'peer', 'name', 'kt-lb1']).catch(() => undefined);
      await run('ip', ['addr', 'add', '192.168.77.1/24', 'dev', 'kt-lb0']).catch(() => undefined);
      await run('ip', ['link', 'set', 'kt-lb0', 'up']);
      await run('ip', ['link', 'set', 'kt-lb1', 'up']);
      await c.ok(['annotate', '--overwrite', 'node', c.node, 'kubets.io/external-ip=192.168.77.1']);
      await deployment(c, 'web', 1);
      await service(c, 'web', { type: 'LoadBalancer' });
      const ip = await c.waitFor('an ingress IP', async () => {
        const s = JSON.parse(await c.ok(['get', 'service', 'web', '-o', 'json']));
        return s.status?.loadBalancer?.ingress?.[0]?.ip as string | undefined;
      }, 60_000);
      c.t.is(ip, '192.168.77.1');
      await readyEndpoints(c, 'web', 1);
      const got = await ask(c, 'client', [`${ip}:80`], 5);
      c.t.is(fails(got[`${ip}:80`]), 0, got[`${ip}:80`].join(','));
      c.t.regex(await c.ok(['get', 'service', 'web']), /192\.168\.77\.1/);
    },
  },
  {
    title: 'ClientIP session affinity keeps one client on one pod',
    id: 'affinity',
    timeoutMs: 300_000,
    async run(c) {
      await deployment(c, 'web', 3);
      const { clusterIP } = await service(c, 'web', { sessionAffinity: 'ClientIP' });
      await readyEndpoints(c, 'web', 3);
      const got = (await ask(c, 'client', [`${clusterIP}:80`], 12))[`${clusterIP}:80`];
      c.t.is(fails(got), 0, got.join(','));
      c.t.is(new Set(got).size, 1, `one pod answers: ${got.join(',')}`);
    },
  },
  {
    title: 'hairpin: a pod reaches itself through its own Service; a Service without endpoints refuses at once',
    id: 'hairpin',
    timeoutMs: 300_000,
    async run(c) {
      // A node has a route for Service addresses (upstream relies on the default route): a
      // Service without endpoints is then rejected in the forward path, not unroutable.
      const routes = await run('ip', ['route', 'show', 'default']);
      if (!routes.stdout.trim()) {
        await run('ip', ['link', 'add', 'kt-up0', 'type', 'veth', 'peer', 'name', 'kt-up1']).catch(() => undefined);
        await run('ip', ['link', 'set', 'kt-up0', 'up']);
        await run('ip', ['link', 'set', 'kt-up1', 'up']);
        await run('ip', ['route', 'add', 'default', 'dev', 'kt-up0']).catch(() => undefined);
      }
      await service(c, 'self', {});
      await service(c, 'nobody', {});
      await apply(c, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'self', namespace: c.ns, labels: { app: 'self' } },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 2,
          containers: [{
            ...serverContainer(c),
            command: ['sh', '-c', [
              'mkdir -p /www && hostname > /www/index.html && httpd -p 8080 -h /www',
              // Wait until this pod is its Service's endpoint (its own request goes through the Service).
              `i=0; until [ "$(printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 2 $(${lookup('self')}) 80 2>/dev/null | tail -n 1)" = self ] || [ $i -ge 60 ]; do i=$((i+1)); sleep 1; done`,
              `r=$(printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 2 $(${lookup('self')}) 80 2>/dev/null | tail -n 1)`,
              `n=$(${lookup('nobody')}); s=$(date +%s); printf "x" | nc -w 5 $n 80 2>/tmp/err; e=$(date +%s)`,
              'printf "%s;%s;%s" "$r" "$((e-s))" "$(cat /tmp/err)" > /dev/termination-log',
            ].join('; ')],
          }],
        },
      });
      const s = await phase(c, 'self', 'Succeeded', 180_000).catch(async (e: Error) => {
        const p = await c.run(['get', 'pod', 'self', '-o', 'yaml']);
        const sl = await c.run(['get', 'endpointslices', '-o', 'yaml']);
        const logs = await c.run(['logs', 'self']);
        throw new Error(`${e.message}\n${p.stdout}\n${sl.stdout}\n${logs.stdout}${logs.stderr}`);
      });
      const [answer, seconds, err] = (s.state.terminated?.message ?? '').split(';');
      c.t.is(answer, 'self', 'the pod answered itself through its Service');
      // Refused (a REJECT rule answers), not dropped: a drop would run into nc's 5 s timeout.
      // The seconds are whole `date +%s` ticks on a loaded node, so they only bound it.
      c.t.regex(err ?? '', /refused/i, `no endpoints: ${err}`);
      c.t.true(Number(seconds) < 5, `no endpoints: answered in ${seconds}s, not at once (${err})`);
      c.t.regex(err, /refused/i);
    },
  },
  {
    title: 'no request fails while a Deployment rolls out behind its Service',
    id: 'rollout',
    timeoutMs: 420_000,
    async run(c) {
      const lifecycle = { preStop: { exec: { command: ['sleep', '3'] } } };
      await deployment(c, 'web', 2, { lifecycle }, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
      await service(c, 'web', {});
      await readyEndpoints(c, 'web', 2);
      const asking = ask(c, 'client', ['web:80'], 150, 0.1);
      await new Promise((r) => setTimeout(r, 2000));
      await c.ok(['rollout', 'restart', 'deployment/web']);
      await c.ok(['rollout', 'status', 'deployment/web', '--timeout=180s']);
      const got = (await asking)['web:80'];
      c.t.log(`${got.length} requests, ${fails(got)} failed, answered by ${[...new Set(got)].join(' ')}`);
      c.t.is(got.length, 150);
      c.t.is(fails(got), 0, 'failed requests across the rolling update');
      c.t.true(new Set(got).size > 2, 'old and new pods answered');
    },
  },
];
