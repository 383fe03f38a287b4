// What every pod worker shares: the API client, the runtime, the event recorder and the
// node's facts.

import type { Client, Log } from '../../client/types.ts';
import type { KubeObject } from '../../api/types.ts';
import type { EventRecorder } from '../../client/events.ts';
import type { CriClient } from '../cri/client.ts';
import type { ImageManager } from './images.ts';
import type { NodeDnsSettings } from '../dns/resolv-conf.ts';

export interface KubeletContext {
  client: Client;
  cri: CriClient;
  events: EventRecorder;
  images: ImageManager;
  log: Log;
  nodeName: string;
  hostIP: string;
  /** DATA_DIR/pods: one directory per pod uid (volumes, logs, termination messages). */
  podsDir: string;
  caPem?: string;
  /** Cluster DNS, domain and the node's resolv.conf: what pods' resolv.conf is made from. */
  dns: NodeDnsSettings;
  allocatable: { cpu: number; memory: number };
  /** The `default/kubernetes` Service every container's environment names, read once for all pods starting together. */
  kubernetesService(): Promise<KubeObject | undefined>;
  /** How often a running pod's configMap, secret, downwardAPI and projected volumes are written again (upstream's --sync-frequency). */
  syncFrequencyMs: number;
  stopped(): boolean;
}
