import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_HEAP_GROWING_PERCENT, heapGrowth } from './heap-growth.ts';

const run = promisify(execFile);

test('by default kubets fixes the growing factor', (t) => {
  t.deepEqual(heapGrowth({}, []), { percent: DEFAULT_HEAP_GROWING_PERCENT });
  t.deepEqual(heapGrowth({ KUBETS_HEAP_GROWING_PERCENT: '' }, []), { percent: DEFAULT_HEAP_GROWING_PERCENT });
  // Unrelated node flags change nothing.
  t.deepEqual(heapGrowth({ NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=8' }, ['--import=tsx']), { percent: DEFAULT_HEAP_GROWING_PERCENT });
});

test('KUBETS_HEAP_GROWING_PERCENT sets another factor, 0 leaves V8 its own', (t) => {
  t.deepEqual(heapGrowth({ KUBETS_HEAP_GROWING_PERCENT: '100' }, []), { percent: 100 });
  t.deepEqual(heapGrowth({ KUBETS_HEAP_GROWING_PERCENT: '0' }, []), { percent: undefined, why: 'KUBETS_HEAP_GROWING_PERCENT=0' });
  // The variable wins over a node flag: it is kubets's own setting, named on purpose.
  t.deepEqual(heapGrowth({ KUBETS_HEAP_GROWING_PERCENT: '30', NODE_OPTIONS: '--max-old-space-size=8192' }, []), { percent: 30 });
  for (const bad of ['-5', '1.5', 'half', '1001']) {
    t.true('error' in heapGrowth({ KUBETS_HEAP_GROWING_PERCENT: bad }, []), bad);
  }
});

test('a heap sized by the user at start is left to V8', (t) => {
  const left = { percent: undefined, why: 'the heap is sized by a node flag given at start' };
  t.deepEqual(heapGrowth({ NODE_OPTIONS: '--max-old-space-size=8192' }, []), left);
  t.deepEqual(heapGrowth({ NODE_OPTIONS: '--enable-source-maps --heap-growing-percent=200' }, []), left);
  t.deepEqual(heapGrowth({}, ['--max_old_space_size=2048']), left);
  t.deepEqual(heapGrowth({}, ['--import=tsx', '--heap-growing-percent', '80']), left);
  // A longer flag that only starts the same is not one of them.
  t.deepEqual(heapGrowth({ NODE_OPTIONS: '--max-old-space-size-percentage=50' }, []), { percent: DEFAULT_HEAP_GROWING_PERCENT });
});

test('set after start, V8 uses the factor at the next full GC', async (t) => {
  const module = fileURLToPath(new URL('./heap-growth.ts', import.meta.url));
  const script = `const { tuneHeapGrowth } = await import(${JSON.stringify(module)}); tuneHeapGrowth(); const keep = []; for (let i = 0; i < 40; i++) keep.push(new Array(50000).fill(0).map((x) => ({ x }))); gc();`;
  const env = { ...process.env, KUBETS_HEAP_GROWING_PERCENT: '70', NODE_OPTIONS: '' };
  const { stdout } = await run(process.execPath, ['--import=tsx', '--expose-gc', '--trace-gc-verbose', '--input-type=module', '-e', script], { env, maxBuffer: 64 * 1024 * 1024 });
  // Node 20's V8 traces the factor it computed before the flag overrides it; the limit's line has the one used.
  const factors = [...stdout.matchAll(/\[HeapController\] Limit: .*\((\d+\.\d+)\)$/gm)].map((m) => m[1]);
  t.true(factors.length > 0, 'no full GC traced');
  t.true(factors.every((f) => f === '1.7'), factors.join(','));
});
