// bench/scheduling runs compiled, as users' kubets does (bin/kubets.js runs the esbuild bundle in
// dist/, never tsx when it is fresh): under tsx every process also carries the compiler and the
// compiled sources, ~75 MB of RSS in an idle `kubets server` (213 MB from the sources, 136 MB
// from the bundle), which is not what the memory figures are about. `npm run bench -- scheduling`
// (tsx) bundles the bench's three entries beside kubets's bundle (dist/bench-*.mjs, packages
// external, as scripts/build.mjs) and runs the compiled bench in a child with the same options;
// it forks the compiled control-plane and sim children. KUBETS_FROM_SOURCE=1 (as for bench/node) runs all under tsx.
// BENCH_MAIN_CPU_PROF=DIR profiles the compiled main process (apiserver and the bench's watch).

import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** This code runs from the bench's bundle. */
export const COMPILED = import.meta.url.endsWith('.mjs');

const root = fileURLToPath(new URL(COMPILED ? '..' : '../..', import.meta.url));

/** A child's entry and node flags: the bundled file beside this one, or the source under tsx. */
export function childEntry(name: 'cp-child' | 'sim-child'): { entry: string; execArgv: string[] } {
  if (COMPILED) return { entry: fileURLToPath(new URL(`./bench-${name}.mjs`, import.meta.url)), execArgv: [] };
  return { entry: fileURLToPath(new URL(`./${name}.ts`, import.meta.url)), execArgv: ['--import=tsx'] };
}

/** Bundles the bench into dist/ and runs it with `options` (JSON on argv); resolves when it exits. */
export async function runCompiled(options: object): Promise<void> {
  const { build } = await import('esbuild');
  // @ts-expect-error: a plain .mjs of the build scripts, no declarations.
  const { bundleOptions } = (await import('../../scripts/bundle-options.mjs')) as { bundleOptions: (root: string) => object };
  const t0 = performance.now();
  mkdirSync(`${root}/dist`, { recursive: true });
  // An earlier build's chunks (names carry a hash of their content).
  for (const f of readdirSync(`${root}/dist`, { withFileTypes: true })) if (f.isFile() && f.name.startsWith('bench-')) rmSync(`${root}/dist/${f.name}`);
  await build({
    ...bundleOptions(root),
    entryPoints: {
      'bench-scheduling': `${root}/bench/scheduling/compiled-main.ts`,
      'bench-cp-child': `${root}/bench/scheduling/cp-child.ts`,
      'bench-sim-child': `${root}/bench/scheduling/sim-child.ts`,
    },
    chunkNames: 'bench-[name]-[hash]',
  });
  process.stderr.write(`bench/scheduling: compiled into dist/bench-*.mjs in ${Math.round(performance.now() - t0)} ms (KUBETS_FROM_SOURCE=1: under tsx)\n`);
  // BENCH_MAIN_CPU_PROF=DIR: a .cpuprofile of the compiled bench's process (the apiserver's) there.
  const profileDir = process.env.BENCH_MAIN_CPU_PROF;
  const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...prof, `${root}/dist/bench-scheduling.mjs`, JSON.stringify(options)], { stdio: 'inherit' });
  const stop = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if (code !== 0) process.exitCode = code ?? 1;
}
