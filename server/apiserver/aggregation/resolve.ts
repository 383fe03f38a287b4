// A Service reference resolved to one endpoint the apiserver can dial, as upstream's
// aggregator does with --enable-aggregator-routing: the Service must exist and expose the
// port, and one of its EndpointSlices must have a ready address for that port name. When
// it cannot be resolved, the answer is the Available condition upstream writes for it.
// Conversion webhooks given a service use the same resolution.

import type { KubeObject } from '../../../api/types.ts';
import type { APIServiceCondition, ClusterReader, ServiceReference } from './types.ts';

export type Unavailable = Required<Pick<APIServiceCondition, 'status' | 'reason' | 'message'>>;

export interface Endpoint {
  /** https://address:port, without a path. */
  url: URL;
  /** The name the serving certificate is checked against: <service>.<namespace>.svc. */
  servername: string;
}

interface ServicePort {
  name?: string;
  port: number;
}

interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean | null } }[] | null;
  ports?: { name?: string | null; port?: number | null }[] | null;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

function hostOf(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** The endpoint for a Service reference, or the reason there is none. */
export async function resolveService(reader: ClusterReader, ref: ServiceReference): Promise<Endpoint | Unavailable> {
  const where = `service/${ref.name} in ${JSON.stringify(ref.namespace)}`;
  const port = ref.port ?? 443;
  const servername = `${ref.name}.${ref.namespace}.svc`;
  let svc: KubeObject | undefined;
  try {
    svc = await reader.get('', 'services', ref.namespace, ref.name);
  } catch (e) {
    return { status: 'Unknown', reason: 'ServiceAccessError', message: `${where} cannot be checked due to: ${(e as Error).message}` };
  }
  if (!svc) return { status: 'False', reason: 'ServiceNotFound', message: `${where} is not present` };
  const spec = (svc.spec ?? {}) as { type?: string; externalName?: string; ports?: ServicePort[] };
  if (spec.type === 'ExternalName' && spec.externalName) {
    return { url: new URL(`https://${hostOf(spec.externalName)}:${port}`), servername };
  }
  const sp = (spec.ports ?? []).find((p) => p.port === port);
  if (!sp) return { status: 'False', reason: 'ServicePortError', message: `${where} is not listening on port ${port}` };
  const portName = sp.name ?? '';
  let slices: EndpointSlice[];
  try {
    slices = (await reader.list('discovery.k8s.io', 'endpointslices', ref.namespace)).filter((s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === ref.name);
  } catch (e) {
    return { status: 'Unknown', reason: 'EndpointsAccessError', message: `${where} cannot be checked due to: ${(e as Error).message}` };
  }
  if (slices.length === 0) return { status: 'False', reason: 'EndpointsNotFound', message: `cannot find endpointslices for ${where}` };
  for (const s of slices) {
    if (s.addressType === 'FQDN') continue;
    const p = (s.ports ?? []).find((x) => (x.name ?? '') === portName && typeof x.port === 'number');
    const ready = (s.endpoints ?? []).find((e) => e.conditions?.ready !== false && e.addresses?.length);
    if (p && ready) return { url: new URL(`https://${hostOf(ready.addresses![0]!)}:${p.port}`), servername };
  }
  return { status: 'False', reason: 'MissingEndpoints', message: `endpointslices for ${where} have no addresses with port name ${JSON.stringify(portName)}` };
}

export function isEndpoint(r: Endpoint | Unavailable): r is Endpoint {
  return 'url' in r;
}
