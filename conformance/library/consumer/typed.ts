// Compiled (never run) by pack.test.ts in the consumer project with strict TypeScript: the
// package's declarations resolve through `exports` and type what a user writes.
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { readCrds, startKubets, type Kubets, type KubetsOptions } from 'kubets';

const options: KubetsOptions = { store: 'memory', controllers: ['*', '-garbage-collector'], scheduler: true, nodes: 2, crds: ['crds/'], port: 0 };
const k: Kubets = await startKubets(options);
const kc = new KubeConfig();
kc.loadFromOptions(k.kubeConfigOptions);
kc.loadFromString(k.kubeconfig);
const url: string = k.url;
const path: string = k.kubeconfigPath;
const ca: string = k.ca + k.caData;
const deployment: V1Deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } };
const ready: V1Deployment = await k.waitFor<V1Deployment>(deployment, (d) => (d.status?.readyReplicas ?? 0) > 0, { timeoutMs: 1000 });
const available = await k.waitForCondition<V1Deployment>(deployment, 'Available', { status: 'True' });
const jane: string = await k.kubeconfigFor('jane', { groups: ['devs'] });
const crds = await readCrds('crds/');
await k.applyCrds(['crds/'], { timeoutMs: 5000 });
await k.stop();
// @ts-expect-error: the store is 'memory', { dir } or { etcd }
await startKubets({ store: 'sqlite' });
// @ts-expect-error: url is a string
const wrong: number = k.url;
export { url, path, ca, ready, available, jane, crds, wrong };
