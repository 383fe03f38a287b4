// startKubets: a whole kubets in this process, for tests. It is `kubets server` (startServer in
// server/cli.ts: the apiserver, then controller-manager and scheduler behind their Leases)
// plus `kubets sim` (node/sim), started with other inputs: a PKI made in memory, an SQLite
// store in memory, and a temporary folder that holds only the kubeconfig file and is removed
// by stop(). With { dir } it is exactly `kubets server --data-dir DIR`: PKI, store and
// kubeconfig persist there.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer } from '../server/cli.ts';
import type { Disableable, ServerFlags } from '../server/cli-args.ts';
import { createLogger } from '../server/log.ts';
import { renderKubeconfig, KUBECONFIG_NAME } from '../server/pki/kubeconfig.ts';
import type { Pki } from '../server/pki/index.ts';
import { createLoopbackClient, type RestClient } from '../client/rest.ts';
import { applyCrds } from './crds.ts';
import { memoryPki, userCertificate } from './pki.ts';
import type { KubeConfigOptions, Kubets, KubetsOptions, ObjectReference, WaitOptions } from './types.ts';
import { conditionIs, waitFor } from './wait.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Starts an embedded kubets; resolves once it serves requests (and its CRDs, when given). */
export async function startKubets(opts: KubetsOptions = {}): Promise<Kubets> {
  const store = opts.store ?? 'memory';
  // Once stop() begins, what the loops say about their requests being cut off is no news.
  let stopping = false;
  const log = createLogger({ verbosity: opts.verbosity ?? 0, write: (line) => void (stopping || process.stderr.write(`${line}\n`)) });
  const ownDir = typeof store === 'object' && 'dir' in store ? undefined : await mkdtemp(join(tmpdir(), 'kubets-'));
  const cleanups: (() => Promise<void> | void)[] = [];
  if (ownDir) cleanups.push(() => rm(ownDir, { recursive: true, force: true }));
  const stopAll = async () => {
    stopping = true;
    // Last started, first stopped; every step runs even when one before it failed.
    const errors: unknown[] = [];
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve().then(c).catch((e: unknown) => errors.push(e));
    if (errors.length) throw errors[0];
  };
  try {
    const disable: Disableable[] = [];
    if (opts.controllers === false) disable.push('controllers');
    if (opts.scheduler === false) disable.push('scheduler');
    const flags: ServerFlags = {
      dataDir: ownDir ?? resolve((store as { dir: string }).dir),
      port: opts.port ?? 0,
      bindAddress: '127.0.0.1',
      etcdServers: typeof store === 'object' && 'etcd' in store ? store.etcd : undefined,
      disable,
      verbosity: opts.verbosity ?? 0,
      tlsSans: [],
      // In this thread: starts in tens of milliseconds, and a test's process holds it all.
      controlPlane: 'in-process',
    };
    const running: RunningServer = await startServer(flags, {
      log,
      pki: ownDir ? await memoryPki() : undefined,
      sqlitePath: store === 'memory' ? ':memory:' : undefined,
      controllers: Array.isArray(opts.controllers) ? opts.controllers : undefined,
      // No `kubets agent` joins a test cluster: its bootstrap token and grants would be start-up time for nothing.
      joinToken: false,
    });
    cleanups.push(() => running.close());
    const pki: Pki = running.pki;
    const client = createLoopbackClient(running.url, { ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey }, { userAgent: 'kubets-embed' });
    cleanups.push(() => client.close());

    if (opts.nodes && opts.nodes > 0) cleanups.push(await startNodes(client, opts.nodes, log));
    if (opts.crds !== undefined) await applyCrds(client, opts.crds);

    const kubeconfig = renderKubeconfig(pki, { server: running.url });
    return {
      url: running.url,
      kubeconfig,
      kubeconfigPath: running.kubeconfigPath,
      ca: pki.caCert,
      caData: b64(pki.caCert),
      kubeConfigOptions: kubeConfigOptions(running.url, pki),
      kubeconfigFor: async (user, o = {}) => {
        const cert = await userCertificate(pki, user, o.groups);
        return renderKubeconfig(pki, { server: running.url, clientCert: cert.cert, clientKey: cert.key });
      },
      applyCrds: (paths, o) => applyCrds(client, paths, o),
      waitFor: (ref, test, o) => waitFor(client, ref, test, o),
      waitForCondition: <T>(ref: ObjectReference, type: string, o: WaitOptions & { status?: string } = {}) => waitFor<T>(client, ref, conditionIs(type, o.status), o),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }
}

function kubeConfigOptions(server: string, pki: Pki): KubeConfigOptions {
  const name = KUBECONFIG_NAME;
  return {
    clusters: [{ name, server, caData: b64(pki.caCert), skipTLSVerify: false }],
    users: [{ name, certData: b64(pki.adminCert), keyData: b64(pki.adminKey) }],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  };
}

/** `kubets sim --nodes N` in this process: Ready nodes that run what is bound to them. */
async function startNodes(client: RestClient, count: number, log: ReturnType<typeof createLogger>): Promise<() => void> {
  const { createInformerFactory, stripManagedFields } = await import('../client/informer.ts');
  const { startSimulatedNodes } = await import('../node/sim/index.ts');
  const { systemClock } = await import('../client/clock.ts');
  const informers = createInformerFactory(client, { transform: stripManagedFields });
  const sim = startSimulatedNodes({ client, informers, count, log: log.child({ component: 'sim' }), clock: systemClock });
  informers.start();
  const stop = () => {
    sim.stop();
    informers.stop();
  };
  try {
    await sim.ready;
  } catch (e) {
    stop();
    throw e;
  }
  return stop;
}
