// Service address allocation shared through storage, wired to one apiserver: the Service
// store hooks over the shared AddressBook, the repair loops, and the default ServiceCIDR.

import type { KubeObject, StoreHooks } from '../../../api/types.ts';
import { StatusError } from '../../../api/meta/errors.ts';
import { serviceHooks } from '../../../api/core/service/hooks.ts';
import { IpRange, NODE_PORT_RANGE, SERVICE_CIDR } from '../../../api/core/service/ip-range.ts';
import type { Backend } from '../../storage/types.ts';
import type { Log } from '../../../client/types.ts';
import type { GenericStore } from '../registry/store.ts';
import type { RequestContext } from '../registry/types.ts';
import { StoreAddressBook, type IPAddressAccess } from './address-book.ts';
import { NodePortRange } from './node-port-range.ts';
import { AllocationRepair } from './repair.ts';

export interface ServiceAllocationOptions {
  backend: Backend;
  /** The engine of a resource, e.g. ('networking.k8s.io', 'ipaddresses'). */
  engine(group: string, plural: string): GenericStore;
  log: Log;
  now(): Date;
  serviceCIDR?: string;
  nodePortRange?: readonly [number, number];
  /** How often the repair loops run; upstream: 3 minutes. */
  repairIntervalMs?: number;
}

export interface ServiceAllocation {
  hooks(): StoreHooks;
  repair: AllocationRepair;
  /** Creates the `kubernetes` ServiceCIDR if absent and runs one repair pass, then repairs now and then. */
  start(): Promise<void>;
  stop(): void;
}

export const DEFAULT_SERVICE_CIDR_NAME = 'kubernetes';

export function serviceAllocation(opts: ServiceAllocationOptions): ServiceAllocation {
  const cidr = opts.serviceCIDR ?? SERVICE_CIDR;
  const ctx = (): RequestContext => ({ user: { username: 'system:apiserver', groups: ['system:masters'] }, namespace: '', now: opts.now(), dryRun: false, fieldValidation: 'Ignore', warnings: [] });
  const ipEngine = () => opts.engine('networking.k8s.io', 'ipaddresses');
  const notFound = (e: unknown) => e instanceof StatusError && e.code === 404;
  const ips: IPAddressAccess = {
    create: async (obj) => void (await ipEngine().create(ctx(), obj)),
    get: (name) => ipEngine().get(ctx(), name).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e))),
    delete: async (name, uid) => {
      await ipEngine().delete(ctx(), name, { preconditions: { uid } }).catch((e: unknown) => {
        if (!notFound(e) && !(e instanceof StatusError && e.code === 409)) throw e;
      });
    },
    cachedNames: async () => new Set((await ipEngine().list(ctx(), { resourceVersion: '0' })).items.map((o) => o.metadata!.name!)),
  };
  const ports = new NodePortRange(opts.backend, opts.nodePortRange ?? NODE_PORT_RANGE, opts.now);
  const book = new StoreAddressBook(ips, ports, cidr);
  const liveList = async (group: string, plural: string): Promise<KubeObject[]> => (await opts.engine(group, plural).list({ ...ctx(), namespace: '' }, {})).items;
  const repair = new AllocationRepair({
    listServices: () => liveList('', 'services'),
    listIPAddresses: () => liveList('networking.k8s.io', 'ipaddresses'),
    ips,
    ports,
    range: new IpRange(cidr),
    log: opts.log,
  });
  return {
    hooks: () => serviceHooks(book),
    repair,
    async start() {
      await ensureDefaultServiceCIDR(opts.engine('networking.k8s.io', 'servicecidrs'), ctx(), cidr);
      await repair.runOnce();
      repair.start(opts.repairIntervalMs ?? 3 * 60_000);
    },
    stop: () => repair.stop(),
  };
}

/** The `kubernetes` ServiceCIDR, created by the first apiserver that starts, Ready as upstream's controller marks it. */
async function ensureDefaultServiceCIDR(engine: GenericStore, ctx: RequestContext, cidr: string): Promise<void> {
  const now = ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ready = { type: 'Ready', status: 'True', lastTransitionTime: now, reason: '', message: 'Kubernetes default Service CIDR is ready' };
  let current: KubeObject | undefined;
  try {
    current = await engine.get(ctx, DEFAULT_SERVICE_CIDR_NAME);
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
    current = await engine
      .create(ctx, { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: DEFAULT_SERVICE_CIDR_NAME }, spec: { cidrs: [cidr] } })
      .catch(async (err: unknown) => {
        if (err instanceof StatusError && err.code === 409) return engine.get(ctx, DEFAULT_SERVICE_CIDR_NAME);
        throw err;
      });
  }
  const conditions = ((current.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  if (conditions.some((c) => c.type === 'Ready' && c.status === 'True')) return;
  await engine
    .updateWith(ctx, DEFAULT_SERVICE_CIDR_NAME, (o) => ({ ...o!, status: { conditions: [ready] } }), 'status', false)
    .catch((e: unknown) => {
      if (!(e instanceof StatusError && e.code === 409)) throw e;
    });
}
