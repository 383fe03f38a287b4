// The shapes the aggregation layer reads: an APIService (apiregistration.k8s.io/v1) and what
// it needs of the cluster (Services and EndpointSlices, read from the watch cache).

import type { KubeObject } from '../../../api/types.ts';
import type { UserInfo } from '../registry/types.ts';

export interface ServiceReference {
  namespace: string;
  name: string;
  /** Defaults to 443. */
  port?: number;
}

export interface APIServiceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface APIService extends KubeObject {
  spec: {
    group?: string;
    version?: string;
    /** null or absent: served by this apiserver (Local). */
    service?: ServiceReference | null;
    caBundle?: string;
    insecureSkipTLSVerify?: boolean;
    groupPriorityMinimum: number;
    versionPriority: number;
  };
  status?: { conditions?: APIServiceCondition[] };
}

/** Reads objects as the apiserver's informers would: from the watch cache. */
export interface ClusterReader {
  get(group: string, plural: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  list(group: string, plural: string, namespace: string): Promise<KubeObject[]>;
}

/** The aggregator's own TLS identity towards extension apiservers (front-proxy-client). */
export interface ProxyIdentity {
  cert: string;
  key: string;
}

/** Who the proxied request is for: the authenticated (or impersonated) user. */
export type RemoteUser = UserInfo;

export const AUTOMANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';
