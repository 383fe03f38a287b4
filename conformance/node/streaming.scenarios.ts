// Logs, exec, cp, port-forward and attach with real kubectl against a real node: kubectl ->
// apiserver (pods/log, pods/exec ... through the upgrade proxy) -> the kubelet's HTTPS server
// -> containerd's stream server. Errors for a finished pod and a closed port are upstream's.
// kubectl debug adds an ephemeral container the kubelet starts.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeCtx, NodeScenario } from './scenario.ts';
import { apply, phase, podManifest } from './pods.scenarios.ts';

async function running(c: NodeCtx, name: string, command: string): Promise<void> {
  await apply(c, podManifest(c, name, { containers: [{ name: 'c', image: c.image, command: ['sh', '-c', command] }] }));
  await phase(c, name, 'Running');
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let b = '';
      res.on('data', (d: Buffer) => (b += d.toString()));
      res.on('end', () => resolve(b));
    }).on('error', reject).end();
  });
}

/** `kubectl port-forward` in the background until it says it listens; returns a stopper and its output. */
async function portForward(c: NodeCtx, args: string[]): Promise<{ stop(): void; output(): string }> {
  const child = spawn(c.tool.path, ['--kubeconfig', c.kubeconfig, '-n', c.ns, 'port-forward', ...args]);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await c.waitFor('port-forward to listen', async () => (/Forwarding from 127\.0\.0\.1/.test(out) ? true : child.exitCode !== null ? Promise.reject(new Error(out)) : undefined), 20_000);
  return { stop: () => child.kill('SIGTERM'), output: () => out };
}

export const streamingScenarios: NodeScenario[] = [
  {
    title: 'kubectl logs: all, --tail, --timestamps, --limit-bytes, and -f until the container exits',
    id: 'logs',
    async run(c) {
      await running(c, 'talker', 'echo one; echo two; sleep 3600');
      await c.waitFor('two lines of log', async () => ((await c.ok(['logs', 'talker'])) === 'one\ntwo\n' ? true : undefined), 20_000);
      c.t.is(await c.ok(['logs', 'talker', '--tail=1']), 'two\n');
      c.t.regex(await c.ok(['logs', 'talker', '--tail=1', '--timestamps']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z two\n$/);
      c.t.is(await c.ok(['logs', 'talker', '--limit-bytes=6']), 'one\ntw');
      await apply(c, podManifest(c, 'brief', { restartPolicy: 'Never', containers: [{ name: 'c', image: c.image, command: ['sh', '-c', 'echo first; sleep 3; echo second'] }] }));
      // Started (its first line is there); -f then follows until it exits, or reads all once it has.
      await c.waitFor('the first line', async () => ((await c.run(['logs', 'brief'])).stdout.startsWith('first\n') ? true : undefined), 60_000);
      c.t.is(await c.ok(['logs', '-f', 'brief']), 'first\nsecond\n');
    },
  },
  {
    title: 'kubectl exec: a command, stdin piped in with -i, and the exit code',
    id: 'exec',
    everyKubectl: true,
    async run(c) {
      await running(c, 'box', 'sleep 3600');
      c.t.is(await c.ok(['exec', 'box', '--', 'echo', 'hello']), 'hello\n');
      c.t.is(await c.ok(['exec', '-i', 'box', '--', 'cat'], { stdin: 'piped in\n' }), 'piped in\n');
      const r = await c.run(['exec', 'box', '--', 'sh', '-c', 'exit 3']);
      c.t.is(r.code, 3, r.stderr);
    },
  },
  {
    title: 'kubectl cp both ways',
    id: 'cp',
    everyKubectl: true,
    async run(c) {
      await running(c, 'files', 'sleep 3600');
      const dir = await mkdtemp(join(tmpdir(), 'kubets-cp-'));
      try {
        await writeFile(join(dir, 'in.txt'), 'to the pod\n');
        await c.ok(['cp', join(dir, 'in.txt'), `${c.ns}/files:/tmp/in.txt`]);
        c.t.is(await c.ok(['exec', 'files', '--', 'cat', '/tmp/in.txt']), 'to the pod\n');
        await c.ok(['exec', 'files', '--', 'sh', '-c', 'echo from the pod > /tmp/out.txt']);
        await c.ok(['cp', `${c.ns}/files:/tmp/out.txt`, join(dir, 'out.txt')]);
        c.t.is(await readFile(join(dir, 'out.txt'), 'utf8'), 'from the pod\n');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
  {
    title: 'kubectl port-forward to busybox httpd; a closed port gives the runtime error',
    id: 'port-forward',
    everyKubectl: true,
    async run(c) {
      await running(c, 'web', 'mkdir -p /www && echo served > /www/index.html && httpd -f -p 8080 -h /www');
      // Local ports of its own: the run with the older kubectl goes on at the same time.
      const local = c.ns.endsWith('-v132') ? 18180 : 18080;
      const pf = await portForward(c, ['web', `${local}:8080`]);
      try {
        c.t.is(await httpGet(local), 'served\n');
      } finally {
        pf.stop();
      }
      const closed = await portForward(c, ['web', `${local + 1}:9`]);
      try {
        await httpGet(local + 1).catch(() => undefined);
        await c.waitFor('the forwarding error', async () => (/error forwarding port 9|connection refused/.test(closed.output()) ? true : undefined), 10_000);
      } finally {
        closed.stop();
      }
    },
  },
  {
    title: 'kubectl exec into a finished pod is refused as upstream',
    id: 'exec-done',
    async run(c) {
      await apply(c, podManifest(c, 'done', { restartPolicy: 'Never', containers: [{ name: 'c', image: c.image, command: ['true'] }] }));
      await phase(c, 'done', 'Succeeded');
      const r = await c.run(['exec', 'done', '--', 'ls']);
      c.t.true(r.code !== 0, 'exec into a finished pod fails');
      c.t.regex(r.stderr, /cannot exec into a container in a completed pod; current phase is Succeeded/);
    },
  },
  {
    title: 'kubectl attach -i: stdin reaches the running container, its output comes back',
    id: 'attach',
    everyKubectl: true,
    async run(c) {
      await apply(c, podManifest(c, 'reader', { restartPolicy: 'Never', containers: [{ name: 'c', image: c.image, stdin: true, stdinOnce: true, command: ['sh', '-c', 'read x; echo got-$x'] }] }));
      await phase(c, 'reader', 'Running');
      const out = await c.ok(['attach', '-i', 'reader', '-c', 'c'], { stdin: 'hi\n', timeoutMs: 30_000 });
      c.t.regex(out, /got-hi/);
      await phase(c, 'reader', 'Succeeded');
    },
  },
  {
    title: 'kubectl debug: an ephemeral container (pods/ephemeralcontainers) runs in the pod, sharing the target\'s processes; its status and logs',
    id: 'debug',
    async run(c) {
      await running(c, 'app', 'sleep 3600');
      await c.ok(['debug', 'app', `--image=${c.image}`, '--image-pull-policy=IfNotPresent', '-c', 'dbg', '--target=c', '--', 'sh', '-c', 'ps | grep "[s]leep 3600" >/dev/null && echo sees-target'], { timeoutMs: 30_000 });
      const done = await c.waitFor('the ephemeral container to finish', async () => {
        const p = (await c.pod('app')) as unknown as { status: { ephemeralContainerStatuses?: { name: string; state: { terminated?: { exitCode: number } } }[] } };
        return p.status.ephemeralContainerStatuses?.find((s) => s.name === 'dbg' && s.state.terminated);
      }, 60_000);
      c.t.is(done.state.terminated!.exitCode, 0);
      c.t.is(await c.ok(['logs', 'app', '-c', 'dbg']), 'sees-target\n');
      // The pod's own container went on running.
      c.t.is((await c.pod('app')).status.containerStatuses![0].restartCount, 0);
    },
  },
];
