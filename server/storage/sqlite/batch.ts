// Group commit. Writes that arrive while the event loop is busy are queued and run together
// in one transaction on the next turn (setImmediate, so every writer woken by the previous
// batch has queued its next op). Each op is checked on its own and gets its own revision; a
// failing check rejects only that op. Promises resolve after the commit, so an acknowledged
// write is durable. One fsync per batch instead of one per write is where the speed comes from.

import { StorageError } from '../types.ts';
import { translateError } from './schema.ts';
import type { WriteOp, WriteResult } from './write.ts';

/** Runs a batch in one transaction: per op a result or the StorageError that refused it. */
export type BatchRunner = (ops: WriteOp[]) => Array<WriteResult | StorageError>;

interface Pending {
  op: WriteOp;
  resolve(r: WriteResult): void;
  reject(e: unknown): void;
}

export interface BatchStats {
  batches: number;
  writes: number;
  largestBatch: number;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  readonly stats: BatchStats = { batches: 0, writes: 0, largestBatch: 0 };

  constructor(
    private readonly run: BatchRunner,
    private readonly maxBatch: number,
    /** Also cut a batch once its values reach this many characters (big objects, big WAL frames). */
    private readonly maxBatchChars = 32 * 1024 * 1024,
  ) {}

  submit(op: WriteOp): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  /** Runs everything queued now (used by close so that accepted writes are not dropped). */
  drain(): void {
    while (this.queue.length > 0) this.flushOne();
  }

  /** Rejects everything still queued. */
  abort(err: StorageError): void {
    const q = this.queue;
    this.queue = [];
    for (const p of q) p.reject(err);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushOne();
      if (this.queue.length > 0) this.schedule();
    });
  }

  private flushOne(): void {
    let n = 0;
    let chars = 0;
    while (n < this.queue.length && n < this.maxBatch && (n === 0 || chars < this.maxBatchChars)) {
      const op = this.queue[n]!.op;
      chars += op.verb === 'delete' ? 0 : op.value.length;
      n++;
    }
    const batch = this.queue.splice(0, n);
    if (batch.length === 0) return;
    let results: Array<WriteResult | StorageError>;
    try {
      results = this.run(batch.map((p) => p.op));
    } catch (e) {
      // The whole transaction failed (disk full, I/O error, closed): nothing was written.
      const err = translateError(e, 'write batch failed');
      for (const p of batch) p.reject(err);
      return;
    }
    this.stats.batches++;
    this.stats.writes += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (r instanceof StorageError) p.reject(r);
      else p.resolve(r);
    });
  }
}
