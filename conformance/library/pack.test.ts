// kubets as a package, the way a user gets it: `npm pack` (its prepare script builds dist/),
// installed with `npm ci --offline` into a fresh project outside this repository, where the
// README's examples (lib/examples/) and a client-node suite (consumer/) run with node:test and
// ava, and strict TypeScript compiles against the shipped declarations. Nothing of this
// checkout is reachable from there: no tsx, no sources, no devDependencies.

import test from 'ava';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createConsumerProject } from './consumer-project.ts';

const run = promisify(execFile);
const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const HERE = join(ROOT, 'conformance', 'library');

/** Runs a command for its stdout; on failure the error carries everything it printed. */
async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  // The consumer's process must not inherit this one's loader (tsx) or test settings.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, CI: process.env.CI };
  try {
    const { stdout } = await run(cmd, args, { cwd, env, maxBuffer: 32 * 1024 * 1024, timeout: 240_000 });
    return stdout;
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${x.message}\n${x.stdout ?? ''}\n${x.stderr ?? ''}`);
  }
}

/**
 * A copy of the sources to pack from, so that the build `npm pack` runs never replaces this
 * checkout's dist/ under a test that is running bin/kubets.js at the same time.
 */
async function stage(dir: string): Promise<void> {
  for (const e of await readdir(ROOT)) {
    if (e.startsWith('.') || e === 'node_modules' || e === 'dist') continue;
    await cp(join(ROOT, e), join(dir, e), { recursive: true });
  }
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
}

test('the packed tarball installs into a fresh project and runs the README examples and a client-node suite', async (t) => {
  t.timeout(600_000);
  const tmp = await mkdtemp(join(tmpdir(), 'kubets-pack-'));
  t.teardown(() => rm(tmp, { recursive: true, force: true }));
  const src = join(tmp, 'src');
  const app = join(tmp, 'app');
  await mkdir(src);
  await mkdir(app);
  await stage(src);

  const packed = await sh('npm', ['pack', '--pack-destination', app, '--json', '--loglevel=error'], src);
  const [info] = JSON.parse(packed.slice(packed.search(/^\[/m))) as { filename: string; files: { path: string }[] }[];
  const files = info!.files.map((f) => f.path).sort();
  t.true(files.includes('dist/index.mjs') && files.includes('dist/index.d.ts') && files.includes('dist/types.d.ts') && files.includes('bin/kubets.js'));
  t.deepEqual(
    files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
    [],
    'no TypeScript sources: nothing needs tsx',
  );

  await createConsumerProject({ repo: ROOT, tarball: join(app, info!.filename), dir: app, dependencies: ['@kubernetes/client-node'], devDependencies: ['ava'] });
  await cp(join(ROOT, 'lib', 'examples'), join(app, 'examples'), { recursive: true });
  await cp(join(HERE, 'consumer'), join(app, 'suite'), { recursive: true });

  const nodeTest = await sh(process.execPath, ['--test', '--test-reporter=tap', 'examples/node-test.test.mjs', 'suite/client-node.test.mjs', 'suite/crd.test.mjs', 'suite/side-by-side.test.mjs'], app);
  t.regex(nodeTest, /^# pass 9$/m, nodeTest);
  t.regex(nodeTest, /^# fail 0$/m);

  const ava = await sh(process.execPath, ['node_modules/ava/entrypoints/cli.mjs', '--tap', '--timeout=120s', 'examples/ava.test.mjs'], app);
  t.regex(ava, /^# pass 3$/m, ava);
  t.regex(ava, /^# fail 0$/m);

  // Strict TypeScript over the package's declarations (client-node's own need @types/ws, which a
  // consumer may lack: libraries' .d.ts are not checked; the file's @ts-expect-error lines catch `any`).
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const types = ['--typeRoots', join(ROOT, 'node_modules', '@types'), '--types', 'node'];
  await sh(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', ...types, 'suite/typed.ts'], app);
  t.pass();
});
