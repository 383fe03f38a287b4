#!/usr/bin/env node
// The kubets command. Runs the bundle in dist/ (made by `npm run build`, which `npm ci`
// runs) when it is newer than every source file; otherwise the TypeScript sources through
// tsx. Paths resolve from this file, so it works from any directory and as
// node_modules/.bin/kubets. KUBETS_BUNDLE=require refuses to fall back to tsx (benches that
// measure the process: tsx and its compiled sources add ~100 MB of RSS).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist', 'kubets.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|json)$/.test(e.name) && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.KUBETS_FROM_SOURCE || !existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return ['api', 'openapi', 'server', 'client', 'node'].every((d) => !existsSync(join(root, d)) || newestSource(join(root, d)) <= built);
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import(new URL('../dist/kubets.mjs', import.meta.url).href));
} else if (process.env.KUBETS_BUNDLE === 'require') {
  process.stderr.write(`kubets: KUBETS_BUNDLE=require, but ${bundle} is missing or older than the sources: run npm run build\n`);
  process.exit(2);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(new URL('../server/cli.ts', import.meta.url).href));
}
process.exitCode = await main(process.argv.slice(2));
