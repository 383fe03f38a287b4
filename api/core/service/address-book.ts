// What the Service kind's store hooks need from an allocator of cluster IPs and node ports.
// The apiserver's is shared through storage (server/apiserver/allocation/: IPAddress objects
// and a node-port range object, as upstream), so that several apiservers on one etcd never
// hand out an address twice; allocator.ts is an in-memory one for unit tests.

/** The Service an address is reserved for (an IPAddress's parentRef). */
export interface ServiceRef {
  namespace: string;
  name: string;
}

/** Why a reservation failed: the address is held by someone else, or none is left. */
export class AllocationError extends Error {
  constructor(
    readonly reason: 'taken' | 'full',
    message: string,
  ) {
    super(message);
    this.name = 'AllocationError';
  }
}

export interface AddressBook {
  /** The Service CIDR (for messages), e.g. 10.96.0.0/12. */
  readonly serviceCIDR: string;
  readonly nodePortRange: readonly [number, number];
  /** Whether an IP is one Services may hold (inside the CIDR, not its network or broadcast address). */
  inRange(ip: string): boolean;
  /**
   * Reserves `ip` (or any free one when undefined) for the Service and returns it; a dry run
   * checks and picks but reserves nothing. Throws AllocationError.
   */
  reserveIp(ip: string | undefined, owner: ServiceRef, dryRun: boolean): Promise<string>;
  /** Gives an IP back (only if `owner` holds it). */
  releaseIp(ip: string, owner: ServiceRef): Promise<void>;
  /** As reserveIp, for a node port. */
  reservePort(port: number | undefined, owner: ServiceRef, dryRun: boolean): Promise<number>;
  releasePorts(ports: number[]): Promise<void>;
}
