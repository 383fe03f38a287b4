// Each bench process's memory: RSS and V8 heap used sampled every 250 ms, the peak of each,
// and the live heap (after a full GC) when the workload starts and when it ends, so that what
// one pod costs is (end - start) / pods. The apiserver's process, the control-plane child and
// the sim child each run one sampler; the children send theirs over IPC when stopped.
// BENCH_HEAP_SNAPSHOT=DIR also writes a heap snapshot of each process at the end of the run,
// before anything stops (bench/scheduling/heap-summary.ts sums it by constructor). The children
// end first (a second SIGUSR2, then their snapshot file appears): writing the apiserver's big snapshot
// stalls it for longer than a Lease lasts, and a control plane that lost its Leases meanwhile
// would be weighed with its scheduler restarted and its caches half empty.
// BENCH_ALLOC_PROFILE=DIR samples every allocation from the start of the workload to its end,
// garbage included (what makes peak heap exceed live), into DIR/NAME-PID.heapprofile;
// bench/scheduling/alloc-summary.ts sums it by function.

import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { rssBreakdown, type RssBreakdown } from './rss-breakdown.ts';

export interface MemoryFigures {
  /** Highest sampled RSS and heap used over the process's life, bytes. */
  peakRss: number;
  peakHeapUsed: number;
  /** RSS and live heap (after a full GC) when the workload started and when it ended. */
  startRss: number;
  startHeap: number;
  endRss: number;
  endHeap: number;
  /** Highest sampled memory outside the V8 heap that Node counts (external includes arrayBuffers). */
  peakExternal: number;
  /** Full (mark-compact) GCs from the start of the workload to its end: how many, and their pause in ms. */
  fullGcs: number;
  fullGcMs: number;
  /** Where the RSS is when the workload ended, before the full GC that weighs the live heap. */
  endBreakdown: RssBreakdown;
}

setFlagsFromString('--expose-gc');
// BENCH_V8_FLAGS='--a --b': V8 flags each bench process sets at start (those V8 reads at run time).
for (const flag of (process.env.BENCH_V8_FLAGS ?? '').split(/\s+/).filter(Boolean)) setFlagsFromString(flag);
const gc = runInNewContext('gc') as () => void;

function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

export class MemorySampler {
  private peakRss = 0;
  private peakHeapUsed = 0;
  private peakExternal = 0;
  private fullGcs = 0;
  private fullGcMs = 0;
  private gcObserver: PerformanceObserver | undefined;
  private startRss = 0;
  private startHeap = 0;
  private ended: { endHeap: number; endRss: number; endBreakdown: RssBreakdown } | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 250) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.peakRss) this.peakRss = m.rss;
    if (m.heapUsed > this.peakHeapUsed) this.peakHeapUsed = m.heapUsed;
    if (m.external > this.peakExternal) this.peakExternal = m.external;
  }

  private profiler: Session | undefined;

  /** The workload starts now. */
  mark(): void {
    this.gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (((e as { detail?: { kind?: number } }).detail)?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
        this.fullGcs++;
        this.fullGcMs += e.duration;
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.startHeap = liveHeap();
    this.startRss = process.memoryUsage().rss;
    if (process.env.BENCH_ALLOC_PROFILE) {
      this.profiler = new Session();
      this.profiler.connect();
      // Collected objects stay in the profile: garbage is what is weighed.
      this.profiler.post('HeapProfiler.startSampling', {
        samplingInterval: 64 * 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      } as object);
    }
  }

  /** The workload ended: the end figures, and a heap snapshot named `name` when BENCH_HEAP_SNAPSHOT is set. */
  end(name: string): void {
    if (this.ended) return;
    this.sample();
    clearInterval(this.timer);
    this.gcObserver?.disconnect();
    const endBreakdown = rssBreakdown();
    this.ended = { endHeap: liveHeap(), endRss: process.memoryUsage().rss, endBreakdown };
    const profiler = this.profiler;
    if (profiler) {
      profiler.post('HeapProfiler.stopSampling', (err, r) => {
        if (!err) writeFileSync(join(process.env.BENCH_ALLOC_PROFILE!, `${name}-${process.pid}.heapprofile`), JSON.stringify(r.profile));
        profiler.disconnect();
      });
    }
    const dir = process.env.BENCH_HEAP_SNAPSHOT;
    if (!dir) return;
    // Written under another name first: the file appearing says the snapshot is complete.
    const file = join(dir, `${name}-${process.pid}.heapsnapshot`);
    writeHeapSnapshot(`${file}.part`);
    renameSync(`${file}.part`, file);
  }

  /** The figures (ending now, unless ended already). */
  finish(name: string): MemoryFigures {
    this.end(name);
    const { endHeap, endRss, endBreakdown } = this.ended!;
    return { peakRss: this.peakRss, peakHeapUsed: this.peakHeapUsed, peakExternal: this.peakExternal, fullGcs: this.fullGcs, fullGcMs: this.fullGcMs, startRss: this.startRss, startHeap: this.startHeap, endRss, endHeap, endBreakdown };
  }
}

/**
 * A child's side: SIGUSR2 from the parent starts the workload, a second one ends it (SIGUSR1 is
 * Node's inspector); finish() is called on stop.
 */
export function childSampler(name: string): MemorySampler {
  const sampler = new MemorySampler();
  let marked = false;
  process.on('SIGUSR2', () => {
    if (!marked) sampler.mark();
    else sampler.end(name);
    marked = true;
  });
  return sampler;
}
