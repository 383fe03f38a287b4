// Services and pods for the endpoint controllers' tests.

import type { Pod } from '../../server/controllers/common/pods.ts';
import type { Service } from '../../server/controllers/common/service.ts';

export function service(o: { selector?: Record<string, string> | null; targetPort?: number | string; clusterIP?: string } = {}): Service {
  return {
    metadata: { name: 'web', namespace: 'a', uid: 'svc-uid', labels: { tier: 'front' } },
    spec: {
      ...(o.selector === null ? {} : { selector: o.selector ?? { app: 'web' } }),
      ports: [{ name: 'http', port: 80, targetPort: o.targetPort ?? 'http', protocol: 'TCP' }],
      clusterIP: o.clusterIP ?? '10.0.0.10',
    },
  };
}

export function servingPod(name: string, ip: string | undefined, o: { ready?: boolean; labels?: Record<string, string>; deleting?: boolean; portName?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'a', labels: o.labels ?? { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', ports: [{ name: o.portName ?? 'http', containerPort: 8080, protocol: 'TCP' }] }] },
    status: { phase: 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}
