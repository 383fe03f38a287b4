// npm run bench: every benchmark, each printing its figures beside a reference measured in
// the same run. `npm run bench -- storage` runs one.

// Each benchmark is imported when it runs: a static import of them all loaded
// @kubernetes/client-node (bench/api/client-node.ts) into every bench process, ~80 MB of RSS
// charged to the apiserver that bench/scheduling measures.
const benchStorage = async (o: Parameters<typeof import('./storage.ts').benchStorage>[0]) => (await import('./storage.ts')).benchStorage(o);
const benchApi = async (o: Parameters<typeof import('./api.ts').benchApi>[0]) => (await import('./api.ts')).benchApi(o);
const benchScheduling = async (o: Parameters<typeof import('./scheduling.ts').benchScheduling>[0]) => (await import('./scheduling.ts')).benchScheduling(o);
const benchEmbed = async (o: Parameters<typeof import('./embed.ts').benchEmbed>[0]) => (await import('./embed.ts')).benchEmbed(o);
const benchCrd = async (o: Parameters<typeof import('./crd.ts').benchCrd>[0]) => (await import('./crd.ts')).benchCrd(o);
const benchNetwork = async (o: Parameters<typeof import('./network.ts').benchNetwork>[0]) => (await import('./network.ts')).benchNetwork(o);
const benchNode = async (o: Parameters<typeof import('./node.ts').benchNode>[0]) => (await import('./node.ts')).benchNode(o);
const benchClientNode = async (ops?: number) => (await import('./api/client-node.ts')).benchClientNode(ops);
const benchPodWrites = async (o: Parameters<typeof import('./scheduling/pod-writes.ts').benchPodWrites>[0]) => (await import('./scheduling/pod-writes.ts')).benchPodWrites(o);
const benchHa = async (o: Parameters<typeof import('./ha/index.ts').benchHa>[0]) => (await import('./ha/index.ts')).benchHa(o);

const benches: Record<string, () => Promise<void>> = {
  embed: () => benchEmbed({ starts: Number(process.env.BENCH_STARTS) || undefined }),
  storage: () => benchStorage({ ops: Number(process.env.BENCH_OPS) || undefined }),
  network: () => benchNetwork({ services: Number(process.env.BENCH_SERVICES) || undefined }),
  crd: () => benchCrd({ ops: Number(process.env.BENCH_OPS) || undefined, clients: process.env.BENCH_CRD_CLIENTS?.split(',').map(Number).filter((n) => n > 0) }),
  api: () => benchApi({ ops: Number(process.env.BENCH_OPS) || undefined }),
  'api-authorized': () => benchApi({ ops: Number(process.env.BENCH_OPS) || undefined, only: 'authorized' }),
  'api-policy': () => benchApi({ ops: Number(process.env.BENCH_OPS) || undefined, only: 'policy' }),
  'api-creates': () => benchApi({ ops: Number(process.env.BENCH_OPS) || undefined, only: 'creates' }),
  scheduling: () => benchScheduling({ nodes: Number(process.env.BENCH_NODES) || undefined, pods: Number(process.env.BENCH_PODS) || undefined, sim: process.env.BENCH_SIM === 'inproc' ? 'inproc' : undefined, cp: process.env.BENCH_CP === 'inproc' ? 'inproc' : undefined, timeoutSeconds: Number(process.env.BENCH_TIMEOUT_S) || undefined, small: process.env.BENCH_SMALL !== '0' }),
  'pod-writes': () => benchPodWrites({ pods: Number(process.env.BENCH_PODS) || undefined, rounds: Number(process.env.BENCH_ROUNDS) || undefined }),
  'client-node': () => benchClientNode(Number(process.env.BENCH_OPS) || undefined),
  ha: () => benchHa({ windowMs: Number(process.env.BENCH_HA_WINDOW_MS) || undefined }),
  node: () => benchNode({ pods: Number(process.env.BENCH_NODE_PODS) || undefined }),
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  // api-authorized, api-policy and api-creates are part of api; alone only when named.
  if (wanted.length ? !wanted.includes(name) : name.startsWith('api-')) continue;
  await run();
}
