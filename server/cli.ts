// The `kubets` command: parse, then run. bin/kubets.js loads this through tsx.

import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCli, USAGE, type ServerFlags } from './cli-args.ts';
import { createLogger, type Logger } from './log.ts';
import { ensurePki, type Pki } from './pki/index.ts';
import { writeKubeconfig } from './pki/kubeconfig.ts';

export interface ApiServerOptions {
  dataDir: string;
  port: number;
  bindAddress: string;
  etcdServers?: string[];
  pki: Pki;
  log: Logger;
  disable?: string[];
  tokenAuthFile?: string;
}

export interface RunningApiServer {
  url: string;
  close(): Promise<void>;
}

export type StartApiServer = (opts: ApiServerOptions) => Promise<RunningApiServer>;

export interface CliDeps {
  /** How to get startApiServer; by default server/apiserver/app.ts, loaded on demand. */
  loadApiServer?: () => Promise<StartApiServer>;
  /** Where the messages for a person go; stdout by default. */
  print?: (text: string) => void;
  log?: Logger;
  /** Resolves when the server should stop; SIGINT or SIGTERM by default. */
  stopSignal?: Promise<string>;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function loadDefaultApiServer(): Promise<StartApiServer> {
  // Loaded when a server starts, not for `kubets version`; a plain specifier so that the
  // bundler (scripts/build.mjs) takes the app into dist/kubets.mjs.
  const mod = await import('./apiserver/app.ts');
  return mod.startApiServer as unknown as StartApiServer;
}

export interface RunningServer {
  url: string;
  kubeconfigPath: string;
  pki: Pki;
  close(): Promise<void>;
}

/** Ensures the PKI, starts the apiserver and writes the kubeconfig. */
export async function startServer(flags: ServerFlags, deps: CliDeps = {}): Promise<RunningServer> {
  const log = deps.log ?? createLogger({ verbosity: flags.verbosity });
  const dataDir = resolve(flags.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const t0 = performance.now();
  const pki = await ensurePki(dataDir, {
    extraSans: flags.tlsSans,
    bindAddress: flags.bindAddress,
    onEvent: (event, what) => log.debug(`pki ${event}`, { file: what }),
  });
  log.info('pki ready', { dir: pki.dir, ms: Math.round(performance.now() - t0) });
  const startApiServer = await (deps.loadApiServer ?? loadDefaultApiServer)();
  const api = await startApiServer({
    dataDir,
    port: flags.port,
    bindAddress: flags.bindAddress,
    etcdServers: flags.etcdServers,
    pki,
    log: log.child({ component: 'apiserver' }),
    disable: flags.disable,
    tokenAuthFile: flags.tokenAuthFile === undefined ? undefined : resolve(flags.tokenAuthFile),
  });
  let kubeconfigPath: string;
  try {
    kubeconfigPath = await writeKubeconfig(dataDir, pki, { server: api.url });
  } catch (e) {
    await api.close();
    throw e;
  }
  log.info('apiserver listening', { url: api.url, kubeconfig: kubeconfigPath });
  return { url: api.url, kubeconfigPath, pki, close: () => api.close() };
}

function signalPromise(): Promise<string> {
  return new Promise((resolveSignal) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      // A second signal while closing means "now".
      const force = () => process.exit(130);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolveSignal(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[], deps: CliDeps = {}): Promise<number> {
  const print = deps.print ?? ((text: string) => process.stdout.write(text));
  const cmd = parseCli(argv);
  switch (cmd.kind) {
    case 'help':
      print(USAGE);
      return 0;
    case 'version':
      print(`kubets v${version()}\n`);
      return 0;
    case 'error':
      process.stderr.write(`kubets: ${cmd.message}\nRun 'kubets --help' for usage.\n`);
      return 2;
    case 'server':
    case 'all': {
      const log = deps.log ?? createLogger({ verbosity: cmd.flags.verbosity });
      const stop = deps.stopSignal ?? signalPromise();
      let running: RunningServer;
      try {
        running = await startServer(cmd.flags, { ...deps, log });
      } catch (e) {
        log.error('failed to start', { err: e instanceof Error ? e.message : String(e) });
        return 1;
      }
      print(
        `kubets is running at ${running.url}\n` +
          `kubeconfig: ${running.kubeconfigPath}\n` +
          `  export KUBECONFIG=${running.kubeconfigPath}\n`,
      );
      const sig = await stop;
      log.info('stopping', { signal: sig });
      try {
        await running.close();
      } catch (e) {
        log.error('error while stopping', { err: e instanceof Error ? e.message : String(e) });
        return 1;
      }
      return 0;
    }
  }
}
