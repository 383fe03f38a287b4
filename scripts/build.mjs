// Bundles the kubets command (server/cli.ts and everything it imports) into dist/kubets.mjs
// with esbuild, so that a start does not pay for transpiling TypeScript. Packages stay
// external (node_modules). bin/kubets.js uses the bundle when it is newer than the sources.

import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url));
const t0 = performance.now();
rmSync(`${root}/dist`, { recursive: true, force: true });
await build({
  entryPoints: [`${root}/server/cli.ts`],
  outdir: `${root}/dist`,
  entryNames: 'kubets',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  // Dynamic imports (etcd client, certificate library, the app itself) stay lazy chunks.
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
process.stdout.write(`built dist/kubets.mjs in ${Math.round(performance.now() - t0)} ms\n`);

// `npx kubets` and node_modules/.bin/kubets in this checkout (npm links only dependencies' bins).
import { mkdirSync, symlinkSync, lstatSync } from 'node:fs';
const link = `${root}/node_modules/.bin/kubets`;
try {
  lstatSync(link);
} catch {
  mkdirSync(`${root}/node_modules/.bin`, { recursive: true });
  symlinkSync('../../bin/kubets.js', link);
}
