#!/usr/bin/env node
// Runs the TypeScript entry through tsx. Paths resolve from this file, so it works from any
// working directory and when installed as node_modules/.bin/kubets (a symlink Node resolves).
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../server/cli.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
