// npm run bench -- node: 30 pods created at once on one real node (containerd, busybox
// image), create -> Running p50/p99 beside a bare CRI loop (RunPodSandbox + CreateContainer +
// StartContainer for 30 pods at once, no kubets) measured in the same run; then the agent's
// idle CPU with the 30 pods running and its RSS. Everything runs inside a network namespace
// the bench creates (`unshare --net`): the CNI bridge and pod addresses never touch the
// host's network. BENCH_NODE_PODS changes the count.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { containersUnavailable } from '../node/agent.ts';

export async function benchNode(opts: { pods?: number } = {}): Promise<void> {
  const why = containersUnavailable();
  if (why) {
    console.log(`\nnode: skipped: ${why}`);
    return;
  }
  const runner = fileURLToPath(new URL('./node/run.ts', import.meta.url));
  const child = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, '--import=tsx', runner, String(opts.pods ?? 30)], { stdio: 'inherit' });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`bench node: the netns runner exited ${code}`);
}
