// `kubets server --event-ttl`: Events go once their last write is older than the TTL, as with
// kube-apiserver's flag; kubectl sees them go (a DELETED watch event) and sees the young one
// stay. Its own server: a 2 s TTL would take the other suites' Events away.

import test from 'ava';
import { spawn } from 'node:child_process';
import { kubectl, kubectlBinaries, kubectlSkipReason, startKubets, type Kubets } from '../harness.ts';

const bins = await kubectlBinaries();
const tool = bins.kubectl.find((k) => k.path);
const skip = kubectlSkipReason(bins);
let kubets: Kubets | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

if (skip || !tool?.path) {
  test.skip(`--event-ttl (skipped: ${skip})`, () => {});
} else {
  test.before(async () => {
    kubets = await startKubets({ store: 'sqlite', args: ['--disable', 'controllers,scheduler,cloud-controller-manager', '--event-ttl=2s'] });
  });
  test.after.always(async () => {
    await kubets?.stop();
  });

  test('Events last written longer than --event-ttl ago are deleted, both API versions; a younger one stays', async (t) => {
    const k = (args: string[], stdin?: string) => kubectl(tool.path!, kubets!.kubeconfig, args, { stdin });
    const now = Date.now();
    // Named so that the young one comes first in the store's order: a sweep that deletes
    // the old ones has already looked at it.
    const youngEvent = `apiVersion: v1
kind: Event
metadata: {name: a-young, namespace: default}
involvedObject: {kind: Pod, name: p, namespace: default}
reason: Young
lastTimestamp: "${iso(now + 3_600_000)}"
`;
    const oldEvents = `apiVersion: v1
kind: Event
metadata: {name: z-old-core, namespace: default}
involvedObject: {kind: Pod, name: p, namespace: default}
reason: Old
firstTimestamp: "${iso(now - 7_200_000)}"
lastTimestamp: "${iso(now - 3_600_000)}"
---
apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: z-old-v1, namespace: default}
regarding: {kind: Pod, name: p, namespace: default}
reason: Old
action: Testing
reportingController: kubets.io/test
reportingInstance: test
type: Normal
eventTime: "${new Date(now - 3_600_000).toISOString()}"
`;
    // A watch from now on: the expiry reaches watchers as DELETED.
    const watch = spawn(tool.path!, ['--kubeconfig', kubets!.kubeconfig, 'get', 'events', '-n', 'default', '-w', '--output-watch-events', '-o', 'jsonpath={.type} {.object.metadata.name}{"\\n"}'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let watched = '';
    watch.stdout.on('data', (b: Buffer) => (watched += b.toString()));
    t.teardown(() => watch.kill());
    const young = await k(['create', '-f', '-'], youngEvent);
    t.is(young.code, 0, young.stderr);
    // The watch has listed (it printed the young one) before the old ones exist.
    for (let i = 0; i < 120 && !watched.includes('ADDED a-young'); i++) await sleep(250);
    const made = await k(['create', '-f', '-'], oldEvents);
    t.is(made.code, 0, made.stderr);

    let names = '';
    for (let i = 0; i < 120; i++) {
      names = (await k(['get', 'events', '-n', 'default', '-o', 'name'])).stdout;
      if (!names.includes('z-old')) break;
      await sleep(250);
    }
    t.is(names, 'event/a-young\n');
    for (let i = 0; i < 40 && !/DELETED z-old-v1/.test(watched); i++) await sleep(250);
    t.regex(watched, /DELETED z-old-core/);
    t.regex(watched, /DELETED z-old-v1/);
    t.notRegex(watched, /DELETED a-young/);
  });
}
