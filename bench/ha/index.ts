// npm run bench -- ha: the write gap each kill causes on an HA control plane (3 etcd members,
// 3 `kubets server` processes on loopback, 4 failover clients creating ConfigMaps): the
// longest time without an acknowledged write after SIGKILL of the apiserver whose
// controller-manager leads, of an etcd follower, and of the etcd leader, beside the longest
// gap in a quiet window of the same length measured in the same run (the reference), and how
// long the controller-manager Lease took to move. BENCH_HA_WINDOW_MS sets the window (3000).

import { which } from '../../testing/tools.ts';
import { startHaCluster } from '../../testing/etcd-cluster-servers.ts';
import { startWriteLoad } from '../../testing/etcd-cluster-load.ts';
import { fmt, printTable } from '../stats.ts';

const NAMESPACES = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchHa(opts: { windowMs?: number } = {}): Promise<void> {
  if (!which('etcd')) {
    console.log('\nha: skipped: etcd not found on PATH');
    return;
  }
  const windowMs = opts.windowMs ?? 3000;
  const c = await startHaCluster({ servers: 3, leaseDuration: '4s', renewDeadline: '3s', retryPeriod: '500ms' });
  try {
    await c.client().create(NAMESPACES, '', { metadata: { name: 'ha' } });
    const load = startWriteLoad([c.client(), c.client(), c.client(), c.client()], 'ha');
    await sleep(1000);
    const rows: string[][] = [];
    const window = async (what: string, kill: () => Promise<void>, extra = '') => {
      const acked = load.acked.size;
      const t0 = Date.now();
      await kill();
      await sleep(windowMs);
      rows.push([what, fmt(load.gap(t0, Date.now())), fmt(((load.acked.size - acked) * 1000) / (Date.now() - t0)), extra]);
    };
    await window('none (reference)', async () => {});
    let holder: number | undefined;
    for (let i = 0; i < 100 && holder === undefined; i++) holder = (await c.leaseHolder('kube-controller-manager')).server ?? (await sleep(100), undefined);
    if (holder === undefined) throw new Error('bench ha: no controller-manager leader');
    const leaderAt = holder;
    let movedMs: number | undefined;
    const t0 = Date.now();
    const moved = (async () => {
      while (Date.now() - t0 < 30_000) {
        const h = await c.leaseHolder('kube-controller-manager').catch(() => undefined);
        if (h?.server !== undefined && h.server !== leaderAt) return void (movedMs = Date.now() - t0);
        await sleep(100);
      }
    })();
    await window('apiserver (controller-manager leader)', () => c.servers[leaderAt].kill());
    await moved;
    rows[rows.length - 1][3] = movedMs === undefined ? 'Lease not moved in 30 s' : `Lease moved in ${fmt(movedMs)} ms (lease 4 s)`;
    const follower = ((await c.etcd.leader()) + 1) % 3;
    await window('etcd follower', () => c.etcd.members[follower].kill());
    await c.etcd.members[follower].restart();
    await sleep(1000);
    const leader = await c.etcd.leader();
    await window('etcd leader', () => c.etcd.members[leader].kill());
    await load.stop();
    printTable(`ha: write gap per kill (4 writers, ${windowMs} ms windows; ${load.acked.size} writes acknowledged, ${load.failed.size} failed)`, ['killed', 'longest gap ms', 'writes/s', ''], rows);
  } finally {
    await c.stop();
  }
}
