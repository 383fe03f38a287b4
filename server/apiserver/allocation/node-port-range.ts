// The node-port range shared through storage, as upstream keeps it: one RangeAllocation
// object (a bitmap of the ports in use) at /registry/ranges/servicenodeports, changed only
// by a compare-and-swap on its revision. Two apiservers that race for the same port: one
// swap wins, the other reads the new bitmap and picks again, so no port is handed out twice.

import type { Backend } from '../../storage/types.ts';
import { isStorageError } from '../../storage/types.ts';
import { AllocationError } from '../../../api/core/service/address-book.ts';
import { portCandidates } from '../../../api/core/service/ip-range.ts';

export const NODE_PORTS_KEY = '/registry/ranges/servicenodeports';

interface RangeAllocation {
  kind: 'RangeAllocation';
  apiVersion: 'v1';
  metadata: { name: string; creationTimestamp: string };
  range: string;
  /** Base64 bitmap: bit i set = port (lo + i) is in use. */
  data: string;
}

const MAX_SWAPS = 50;

export class NodePortRange {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly backend: Backend,
    readonly range: readonly [number, number],
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get size(): number {
    return this.range[1] - this.range[0] + 1;
  }

  /**
   * Reads the bitmap, lets `change` edit it (returning its result and whether it changed
   * anything) and swaps it in; on a conflict with another writer, again from a fresh read.
   * Changes from this process run one at a time (they would only conflict with each other).
   */
  modify<T>(change: (used: Uint8Array) => { result: T; changed: boolean }): Promise<T> {
    const run = async (): Promise<T> => {
      for (let i = 0; i < MAX_SWAPS; i++) {
        const kv = await this.backend.get(NODE_PORTS_KEY);
        const used = kv ? this.decode(kv.value) : new Uint8Array(Math.ceil(this.size / 8));
        const { result, changed } = change(used);
        if (!changed) return result;
        try {
          if (kv) await this.backend.update(NODE_PORTS_KEY, this.encode(used), kv.modRevision);
          else await this.backend.create(NODE_PORTS_KEY, this.encode(used));
          return result;
        } catch (e) {
          if (!isStorageError(e, 'Conflict') && !isStorageError(e, 'KeyExists') && !isStorageError(e, 'KeyNotFound')) throw e;
        }
      }
      throw new AllocationError('full', `the node-port range kept changing under ${MAX_SWAPS} attempts`);
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  reserve(port: number | undefined, dryRun: boolean): Promise<number> {
    return this.modify((used) => {
      const pick = port ?? this.firstFree(used);
      if (pick === undefined) throw new AllocationError('full', 'range is full');
      if (this.has(used, pick)) throw new AllocationError('taken', 'provided port is already allocated');
      if (dryRun) return { result: pick, changed: false };
      this.set(used, pick, true);
      return { result: pick, changed: true };
    });
  }

  release(ports: number[]): Promise<void> {
    return this.modify((used) => {
      let changed = false;
      for (const p of ports) {
        if (this.has(used, p)) {
          this.set(used, p, false);
          changed = true;
        }
      }
      return { result: undefined, changed };
    });
  }

  /** The ports marked in use now. */
  async inUse(): Promise<Set<number>> {
    const kv = await this.backend.get(NODE_PORTS_KEY);
    const out = new Set<number>();
    if (!kv) return out;
    const used = this.decode(kv.value);
    for (let p = this.range[0]; p <= this.range[1]; p++) if (this.has(used, p)) out.add(p);
    return out;
  }

  has(used: Uint8Array, port: number): boolean {
    const i = port - this.range[0];
    return i >= 0 && i < this.size && (used[i >> 3] & (1 << (i & 7))) !== 0;
  }

  set(used: Uint8Array, port: number, on: boolean): void {
    const i = port - this.range[0];
    if (i < 0 || i >= this.size) return;
    if (on) used[i >> 3] |= 1 << (i & 7);
    else used[i >> 3] &= ~(1 << (i & 7));
  }

  private firstFree(used: Uint8Array): number | undefined {
    for (const p of portCandidates(this.range)) if (!this.has(used, p)) return p;
    return undefined;
  }

  private decode(value: string): Uint8Array {
    const obj = JSON.parse(value) as RangeAllocation;
    const out = new Uint8Array(Math.ceil(this.size / 8));
    // A range stored with other bounds (the flag changed): its bits are not ours; the repair loop marks what Services hold.
    if (obj.range !== `${this.range[0]}-${this.range[1]}`) return out;
    out.set(Buffer.from(obj.data, 'base64').subarray(0, out.length));
    return out;
  }

  private encode(used: Uint8Array): string {
    const obj: RangeAllocation = {
      kind: 'RangeAllocation',
      apiVersion: 'v1',
      metadata: { name: '', creationTimestamp: this.now().toISOString().replace(/\.\d{3}Z$/, 'Z') },
      range: `${this.range[0]}-${this.range[1]}`,
      data: Buffer.from(used).toString('base64'),
    };
    return JSON.stringify(obj);
  }
}
