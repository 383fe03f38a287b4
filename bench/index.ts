// npm run bench: every benchmark, each printing its figures beside a reference measured in
// the same run. `npm run bench -- storage` runs one.

import { benchStorage } from './storage.ts';
import { benchApi } from './api.ts';
import { benchScheduling } from './scheduling.ts';
import { benchEmbed } from './embed.ts';
import { benchCrd } from './crd.ts';
import { benchNetwork } from './network.ts';
import { benchNode } from './node.ts';
import { benchClientNode } from './api/client-node.ts';
import { benchHa } from './ha/index.ts';

const benches: Record<string, () => Promise<void>> = {
  embed: () => benchEmbed({ starts: Number(process.env.BENCH_STARTS) || undefined }),
  storage: () => benchStorage({ ops: Number(process.env.BENCH_OPS) || undefined }),
  network: () => benchNetwork({ services: Number(process.env.BENCH_SERVICES) || undefined }),
  crd: () => benchCrd({ ops: Number(process.env.BENCH_OPS) || undefined }),
  api: () => benchApi({ ops: Number(process.env.BENCH_OPS) || undefined }),
  'api-authorized': () => benchApi({ ops: Number(process.env.BENCH_OPS) || undefined, only: 'authorized' }),
  'api-policy': () => benchApi({ ops: Number(process.env.BENCH_OPS) || undefined, only: 'policy' }),
  scheduling: () => benchScheduling({ nodes: Number(process.env.BENCH_NODES) || undefined, pods: Number(process.env.BENCH_PODS) || undefined, sim: process.env.BENCH_SIM === 'inproc' ? 'inproc' : undefined, cp: process.env.BENCH_CP === 'inproc' ? 'inproc' : undefined, timeoutSeconds: Number(process.env.BENCH_TIMEOUT_S) || undefined }),
  'client-node': () => benchClientNode(Number(process.env.BENCH_OPS) || undefined),
  ha: () => benchHa({ windowMs: Number(process.env.BENCH_HA_WINDOW_MS) || undefined }),
  node: () => benchNode({ pods: Number(process.env.BENCH_NODE_PODS) || undefined }),
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  // api-authorized and api-policy are part of api; alone only when named.
  if (wanted.length ? !wanted.includes(name) : name === 'api-authorized' || name === 'api-policy') continue;
  await run();
}
