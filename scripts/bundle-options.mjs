// How kubets's code is bundled with esbuild: by scripts/build.mjs (dist/kubets.mjs, what
// bin/kubets.js runs) and by bench/scheduling/compiled.ts (the bench, compiled the same way).

/** esbuild options for ESM bundles in dist/ of the repository at `root`, packages external. */
export function bundleOptions(root) {
  return {
    outdir: `${root}/dist`,
    entryNames: '[name]',
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
  };
}
