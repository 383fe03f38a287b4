// Authorization for one apiserver: the RBAC index fed from the watch caches of the four RBAC
// kinds, and the Node authorizer's graph fed from the Pod cache, behind the chain
// (system:masters, then Node, then RBAC). Admission and reviews use the same.

import type { GenericStore } from '../registry/store.ts';
import type { Logger } from '../../log.ts';
import type { Authorizer } from './attributes.ts';
import { authorizerChain } from './authorizer.ts';
import { feedIndex, type Feed } from './feed.ts';
import { RbacIndex, type RbacKind } from './rbac-index.ts';
import { NodeGraph } from './node-graph.ts';
import { nodeAuthorizer } from './node-authorizer.ts';
import { SYSTEM_ROLES } from '../bootstrap-rbac-system.ts';

export interface Authorization {
  authorizer: Authorizer;
  rbac: RbacIndex;
  /** Starts feeding the indexes from storage; resolves once each has its first list. */
  start(): Promise<void>;
  stop(): void;
}

const RBAC_KINDS: [RbacKind, string][] = [
  ['ClusterRole', 'clusterroles'],
  ['Role', 'roles'],
  ['ClusterRoleBinding', 'clusterrolebindings'],
  ['RoleBinding', 'rolebindings'],
];

export function createAuthorization(engineOf: (group: string, plural: string) => GenericStore, log: Logger): Authorization {
  const rbac = new RbacIndex();
  const graph = new NodeGraph();
  const feeds: Feed[] = [];
  return {
    authorizer: authorizerChain([nodeAuthorizer(graph, SYSTEM_ROLES['system:node']), rbac]),
    rbac,
    async start() {
      const started = await Promise.all(RBAC_KINDS.map(([kind, plural]) =>
        feedIndex(engineOf('rbac.authorization.k8s.io', plural), { upsert: (o) => rbac.upsert(kind, o), remove: (o) => rbac.remove(kind, o) }, (e) =>
          log.warn('rbac index relist failed', { kind, err: e }))));
      feeds.push(...started);
      feeds.push(await feedIndex(engineOf('', 'pods'), graph, (e) => log.warn('node graph relist failed', { err: e })));
    },
    stop() {
      for (const f of feeds.splice(0)) f.stop();
    },
  };
}
