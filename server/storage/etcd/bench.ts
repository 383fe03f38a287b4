// Write throughput of the etcd backend next to raw etcd3 puts, measured in the same run on
// a fresh etcd: `node --import=tsx server/storage/etcd/bench.ts [ops] [rounds]`.
// Rounds alternate the order of the two so that drift on a shared machine hits both alike.

import { Etcd3 } from 'etcd3';
import { openEtcdBackend } from './backend.ts';
import { startEtcd } from '../../../testing/etcd.ts';

type Op = (i: number) => Promise<unknown>;

async function rate(ops: number, concurrency: number, op: Op): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < ops; i = next++) await op(i);
    }),
  );
  return ops / ((performance.now() - t0) / 1000);
}

export interface EtcdWriteFigures {
  concurrency: number;
  rawPutsPerSec: number;
  /** The same compare-and-put txn that create sends, through raw etcd3: etcd's own cost of a txn. */
  rawTxnsPerSec: number;
  createsPerSec: number;
  updatesPerSec: number;
}

export async function benchEtcdWrites(ops = 1000, rounds = 3, concurrencies = [1, 64]): Promise<EtcdWriteFigures[]> {
  const etcd = await startEtcd();
  const raw = new Etcd3({ hosts: [etcd.endpoint] });
  const backend = openEtcdBackend({ endpoints: [etcd.endpoint] });
  const value = JSON.stringify({ metadata: { name: 'bench', namespace: 'default' }, data: { k: 'v'.repeat(300) } });
  const out: EtcdWriteFigures[] = [];
  try {
    for (const concurrency of concurrencies) {
      const sum = { raw: 0, rawTxn: 0, create: 0, update: 0 };
      for (let r = 0; r < rounds; r++) {
        const tag = `${concurrency}-${r}`;
        const revs: number[] = [];
        const runs: Array<[keyof typeof sum, Op]> = [
          ['raw', (i) => raw.put(`/raw/${tag}/${i}`).value(value).exec()],
          ['rawTxn', (i) => {
            const key = Buffer.from(`/txn/${tag}/${i}`);
            return raw.kv.txn({
              compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
              success: [{ request_put: { key, value: Buffer.from(value) } }],
            });
          }],
          ['create', async (i) => (revs[i] = await backend.create(`/be/${tag}/${i}`, value))],
        ];
        if (r % 2 === 1) runs.reverse();
        for (const [name, op] of runs) sum[name] += await rate(ops, concurrency, op);
        // Updates with the revision each create returned: one txn each, as the apiserver does.
        sum.update += await rate(ops, concurrency, (i) => backend.update(`/be/${tag}/${i}`, value, revs[i]!));
      }
      out.push({
        concurrency,
        rawPutsPerSec: Math.round(sum.raw / rounds),
        rawTxnsPerSec: Math.round(sum.rawTxn / rounds),
        createsPerSec: Math.round(sum.create / rounds),
        updatesPerSec: Math.round(sum.update / rounds),
      });
    }
  } finally {
    raw.close();
    await backend.close();
    await etcd.stop();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [ops, rounds] = process.argv.slice(2).map(Number);
  for (const f of await benchEtcdWrites(ops || undefined, rounds || undefined)) {
    const ratio = (n: number) => (n / f.rawPutsPerSec).toFixed(2);
    console.log(
      `concurrency ${f.concurrency}: raw etcd3 put ${f.rawPutsPerSec}/s | raw txn ${f.rawTxnsPerSec}/s | create ${f.createsPerSec}/s (${ratio(f.createsPerSec)}x) | update ${f.updatesPerSec}/s (${ratio(f.updatesPerSec)}x)`,
    );
  }
}
