// The Node authorizer, as upstream's: a kubelet (user system:node:<name> in system:nodes) may
// read a Secret, ConfigMap or PersistentVolumeClaim, or ask a token for a ServiceAccount,
// only when a Pod bound to its node uses it; it may touch only its own Lease and CSINode;
// everything else it may do is the system:node role's rules. Anyone else: no opinion.

import type { Attributes, Authorizer, AuthorizerResult } from './attributes.ts';
import type { NodeGraph } from './node-graph.ts';
import { ruleAllows, type PolicyRule } from './rbac-rules.ts';

export const NODES_GROUP = 'system:nodes';
const NODE_PREFIX = 'system:node:';

/** The node a user is, or undefined when it is not a node. */
export function nodeNameOf(user: { username: string; groups: string[] }): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.username.startsWith(NODE_PREFIX)) return undefined;
  return user.username.slice(NODE_PREFIX.length) || undefined;
}

const GRAPH_KINDS: Record<string, string> = { secrets: 'secret', configmaps: 'configmap', persistentvolumeclaims: 'pvc' };
const NO_OPINION: AuthorizerResult = { decision: 'no-opinion', reason: '' };
const ALLOW: AuthorizerResult = { decision: 'allow', reason: '' };

export function nodeAuthorizer(graph: NodeGraph, nodeRules: PolicyRule[]): Authorizer {
  const noRelationship = (node: string): AuthorizerResult => ({ decision: 'no-opinion', reason: `no relationship found between node '${node}' and this object` });
  return {
    authorize(a: Attributes): AuthorizerResult {
      const node = nodeNameOf(a.user);
      if (!node) return NO_OPINION;
      if (!a.isResourceRequest) return nodeRules.some((r) => ruleAllows(a, r)) ? ALLOW : NO_OPINION;
      if (a.apiGroup === '' && GRAPH_KINDS[a.resource] && !a.subresource) {
        if (a.verb !== 'get' || !a.name) return { decision: 'no-opinion', reason: `can only get individual resources of this type` };
        return graph.has(node, GRAPH_KINDS[a.resource], a.namespace, a.name) ? ALLOW : noRelationship(node);
      }
      if (a.apiGroup === '' && a.resource === 'serviceaccounts' && a.subresource === 'token') {
        if (a.verb !== 'create') return { decision: 'no-opinion', reason: `can only create tokens for individual service accounts` };
        return graph.has(node, 'serviceaccount', a.namespace, a.name) ? ALLOW : noRelationship(node);
      }
      if (a.apiGroup === 'coordination.k8s.io' && a.resource === 'leases') {
        if (a.namespace !== 'kube-node-lease') return { decision: 'no-opinion', reason: `can only access leases in the kube-node-lease namespace` };
        if (a.name !== node && !(a.verb === 'create' && !a.name)) return { decision: 'no-opinion', reason: `can only access node lease with the same name as the requesting node` };
      }
      if (a.apiGroup === 'storage.k8s.io' && a.resource === 'csinodes' && a.name && a.name !== node) {
        return { decision: 'no-opinion', reason: `can only access CSINode with the same name as the requesting node` };
      }
      return nodeRules.some((r) => ruleAllows(a, r)) ? ALLOW : NO_OPINION;
    },
  };
}
