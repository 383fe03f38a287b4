// npm run bench -- node: 30 pods created at once on one real node (containerd, busybox
// image), create -> Running p50/p99 beside a bare CRI loop (RunPodSandbox + CreateContainer +
// StartContainer for 30 pods at once, no kubets) measured in the same run; then the agent's
// idle CPU with the 30 pods running and its RSS. Everything runs inside a network namespace
// the bench creates (`unshare --net`): the CNI bridge and pod addresses never touch the
// host's network. BENCH_NODE_PODS changes the count. The server and the agent run from the
// bundle (dist/, built here when it is older than the sources), as an installed kubets does:
// under tsx the agent's RSS would be mostly the compiler's.

import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { containersUnavailable } from '../node/agent.ts';
import { KUBETS_BIN } from '../conformance/harness.ts';

/** Builds dist/ unless bin/kubets.js would already run from it. */
function ensureBundle(): void {
  const env = { ...process.env, KUBETS_BUNDLE: 'require' };
  if (spawnSync(process.execPath, [KUBETS_BIN, 'version'], { env, stdio: 'ignore' }).status === 0) return;
  const built = spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`bench node: npm run build exited ${built.status}`);
}

export async function benchNode(opts: { pods?: number } = {}): Promise<void> {
  const why = containersUnavailable();
  if (why) {
    console.log(`\nnode: skipped: ${why}`);
    return;
  }
  // KUBETS_FROM_SOURCE=1 measures the agent under tsx instead, for comparison.
  if (!process.env.KUBETS_FROM_SOURCE) ensureBundle();
  const runner = fileURLToPath(new URL('./node/run.ts', import.meta.url));
  const child = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, '--import=tsx', runner, String(opts.pods ?? 30)], {
    stdio: 'inherit',
    env: process.env.KUBETS_FROM_SOURCE ? process.env : { ...process.env, KUBETS_BUNDLE: 'require' },
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`bench node: the netns runner exited ${code}`);
}
