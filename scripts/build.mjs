// Bundles the kubets command (server/cli.ts and everything it imports) into dist/kubets.mjs
// and the library (lib/index.ts: `import { startKubets } from 'kubets'`) into dist/index.mjs
// with esbuild, so that neither pays for transpiling TypeScript nor needs tsx. Packages stay
// external (node_modules). bin/kubets.js uses the bundle when it is newer than the sources.
// The library's declarations (dist/index.d.ts, dist/types.d.ts) are TypeScript's own
// declaration emit of lib/index.ts and lib/types.ts, the only files its public types touch.

import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { bundleOptions } from './bundle-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const t0 = performance.now();
rmSync(`${root}/dist`, { recursive: true, force: true });
await build({
  ...bundleOptions(root),
  // The command, and the library (`import { startKubets } from 'kubets'`); shared code in chunks.
  entryPoints: { kubets: `${root}/server/cli.ts`, index: `${root}/lib/index.ts` },
  // Chunks beside the entries: server/cli.ts finds ../package.json from whichever file holds it.
  chunkNames: '[name]-[hash]',
});
await emitDeclarations(['index', 'types']);
process.stdout.write(`built dist/kubets.mjs, dist/index.mjs and dist/index.d.ts in ${Math.round(performance.now() - t0)} ms\n`);

/** lib/NAME.ts -> dist/NAME.d.ts, file by file (the files need no type information from elsewhere). */
async function emitDeclarations(names) {
  const { default: ts } = await import('typescript');
  for (const name of names) {
    const fileName = `lib/${name}.ts`;
    const out = ts.transpileDeclaration(readFileSync(`${root}/${fileName}`, 'utf8'), {
      fileName,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022, allowImportingTsExtensions: true },
    });
    if (out.diagnostics?.length) {
      const text = out.diagnostics.map((d) => `${fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`).join('\n');
      throw new Error(`declarations:\n${text}`);
    }
    // Relative imports name the emitted files (./types.js resolves to ./types.d.ts).
    const text = out.outputText.replace(/(from\s+'\.\/[\w-]+)\.ts'/g, "$1.js'");
    for (const [, spec] of text.matchAll(/from\s+'(\.[^']*)'/g)) {
      if (!names.some((n) => spec === `./${n}.js`)) throw new Error(`${fileName}: its declarations import ${spec}, which the package does not ship`);
    }
    writeFileSync(`${root}/dist/${name}.d.ts`, text);
  }
}

// `npx kubets` and node_modules/.bin/kubets in this checkout (npm links only dependencies' bins).
import { mkdirSync, symlinkSync, lstatSync } from 'node:fs';
const link = `${root}/node_modules/.bin/kubets`;
try {
  lstatSync(link);
} catch {
  mkdirSync(`${root}/node_modules/.bin`, { recursive: true });
  symlinkSync('../../bin/kubets.js', link);
}
