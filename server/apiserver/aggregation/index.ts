// API aggregation in the apiserver: wiring of the controller (controller.ts), the proxy
// (handler.ts), discovery and OpenAPI merging, and the kube-system ConfigMap
// extension-apiserver-authentication that tells extension apiservers whom to trust.

import type { Registry } from '../../../api/registry.ts';
import type { KubeObject } from '../../../api/types.ts';
import { StatusError } from '../../../api/meta/errors.ts';
import type { Clock } from '../../../client/types.ts';
import type { Pki } from '../../pki/index.ts';
import { FRONT_PROXY_CLIENT } from '../../pki/index.ts';
import type { Logger } from '../../log.ts';
import type { GenericStore } from '../registry/store.ts';
import type { OpenApiDocs } from '../routes.ts';
import { Aggregator } from './controller.ts';
import { aggregationHandler, type AggregationHandler } from './handler.ts';
import { mergedOpenApi } from './openapi.ts';
import type { RemoteGroup } from './discovery.ts';
import type { ClusterReader } from './types.ts';

export interface AggregationDeps {
  registry: Registry;
  engine(group: string, plural: string): GenericStore;
  reader: ClusterReader;
  pki: Pki;
  clock: Pick<Clock, 'now'>;
  log: Logger;
  onChange(): void;
  recheckMs?: number;
}

export interface Aggregation {
  handler: AggregationHandler;
  remoteGroups(): RemoteGroup[];
  openapi(local: OpenApiDocs): OpenApiDocs;
  start(): Promise<void>;
  stop(): void;
}

export function createAggregation(deps: AggregationDeps): Aggregation {
  const identity = { cert: deps.pki.frontProxyClientCert, key: deps.pki.frontProxyClientKey };
  const agg = new Aggregator({ ...deps, log: deps.log.child({ component: 'aggregator' }), identity });
  return {
    handler: aggregationHandler(agg, deps.reader, identity),
    remoteGroups: () => agg.remoteGroups(),
    openapi: (local) => mergedOpenApi(local, agg.openapi),
    async start() {
      await publishAuthentication(deps.engine('', 'configmaps'), agg.ctx('kube-system'), deps.pki);
      await agg.start();
    },
    stop: () => agg.stop(),
  };
}

/** What upstream's kube-apiserver publishes for extension apiservers (client and request-header CAs). */
export function authenticationConfigMap(pki: Pki): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'extension-apiserver-authentication', namespace: 'kube-system' },
    data: {
      'client-ca-file': pki.caCert,
      'requestheader-allowed-names': JSON.stringify([FRONT_PROXY_CLIENT]),
      'requestheader-client-ca-file': pki.frontProxyCaCert,
      'requestheader-extra-headers-prefix': JSON.stringify(['X-Remote-Extra-']),
      'requestheader-group-headers': JSON.stringify(['X-Remote-Group']),
      'requestheader-uid-headers': JSON.stringify(['X-Remote-Uid']),
      'requestheader-username-headers': JSON.stringify(['X-Remote-User']),
    },
  };
}

async function publishAuthentication(configMaps: GenericStore, ctx: Parameters<GenericStore['create']>[0], pki: Pki): Promise<void> {
  const want = authenticationConfigMap(pki);
  await configMaps.updateWith(ctx, want.metadata!.name!, (live) => {
    if (live && JSON.stringify(live.data) === JSON.stringify(want.data)) return live;
    return { ...want, metadata: { ...live?.metadata, ...want.metadata } };
  }, undefined, true).catch((e) => {
    if (!(e instanceof StatusError && e.code === 409)) throw e;
  });
}
