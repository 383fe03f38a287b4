// The gRPC connection to etcd, through the etcd3 package's low-level RPC clients (KV, Watch,
// Maintenance). We turn off etcd3's retry and circuit-breaker policies: a retried txn whose
// first attempt did commit would report KeyExists/Conflict for our own write, and an open
// breaker keeps failing for seconds after etcd is back. Instead every unary call has a
// deadline, and failures become StorageErrors at once ('Unavailable' naming the endpoints).

import { Etcd3, type IOptions, type IKeyValue } from 'etcd3';
import { StorageError, type KeyValue } from '../types.ts';

export interface EtcdClientOptions {
  endpoints: string[];
  /** Deadline of each unary request; default 5 s. */
  requestTimeoutMs?: number;
}

type Policy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

const neverAborted = new AbortController().signal;
const noEvent = () => ({ dispose() {} });

/** Runs the call once: no retry, no breaker. */
function passThrough(): Policy {
  const policy = {
    onSuccess: noEvent,
    onFailure: noEvent,
    execute<T>(fn: (ctx: { signal: AbortSignal }) => PromiseLike<T> | T): Promise<T> {
      try {
        return Promise.resolve(fn({ signal: neverAborted }));
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
  return policy as unknown as Policy;
}

export function connect(opts: EtcdClientOptions): Etcd3 {
  if (opts.endpoints.length === 0) throw new Error('etcd: no endpoints given');
  const timeout = opts.requestTimeoutMs ?? 5000;
  return new Etcd3({
    hosts: opts.endpoints,
    faultHandling: { global: passThrough(), host: () => passThrough() },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    grpcOptions: {
      // Notice a dead peer on an idle watch stream; etcd allows pings every 5 s by default.
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.max_send_message_length': 4 * 1024 * 1024,
      // Retry connecting soon after etcd comes back, rather than after a long backoff.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
    },
  });
}

/**
 * One client per endpoint, with a preferred one that calls stick to until it fails. (etcd3's
 * own pool picks a random endpoint per call, so a retry could land on the same dead member.)
 */
export class Endpoints {
  private readonly clients: Etcd3[];
  private current = 0;

  constructor(readonly urls: string[], requestTimeoutMs?: number) {
    if (urls.length === 0) throw new Error('etcd: no endpoints given');
    this.clients = urls.map((url) => connect({ endpoints: [url], requestTimeoutMs }));
  }

  get size(): number {
    return this.clients.length;
  }

  pick(): Etcd3 {
    return this.clients[this.current];
  }

  /** client failed to answer: prefer the next endpoint, unless another call already moved on. */
  failed(client: Etcd3): void {
    if (this.clients[this.current] === client) this.current = (this.current + 1) % this.clients.length;
  }

  close(): void {
    for (const c of this.clients) c.close();
  }
}

const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';

/** Names the kind of failure of one etcd call; `what` says what we were doing. */
export function translateError(e: unknown, endpoints: string[], what: string, key?: string): StorageError {
  if (e instanceof StorageError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const msg = err.message;
  const where = `etcd at ${endpoints.join(', ')}`;
  if (msg.includes(COMPACTED)) {
    return new StorageError('Compacted', `${what}: the requested revision has been compacted in etcd`, key);
  }
  if (msg.includes(FUTURE)) {
    // As the sqlite backend: the caller asked for a revision that does not exist yet.
    return new StorageError('InvalidValue', `${what}: the requested revision is in the future (newer than etcd's current revision)`, key);
  }
  const name = err.constructor.name;
  if (name === 'GRPCDeadlineExceededError' || /deadline exceeded/i.test(msg)) {
    // A member that answers too slowly: a time-out (504, as upstream's), not an outage.
    return new StorageError('Timeout', `${what}: ${where} did not answer in time (${firstLine(msg)})`, key);
  }
  if (
    name === 'GRPCUnavailableError' ||
    name === 'GRPCCancelledError' ||
    name === 'GRPCConnectFailedError' ||
    name === 'EtcdWatchStreamEnded' ||
    /UNAVAILABLE|ECONNREFUSED|No connection established|leader changed|no leader|timed out/i.test(msg)
  ) {
    return new StorageError('Unavailable', `${what}: ${where} is unavailable (${firstLine(msg)})`, key);
  }
  if (/request is too large|message larger than max/i.test(msg)) {
    return new StorageError('InvalidValue', `${what}: etcd rejected the request as too large`, key);
  }
  return new StorageError('Internal', `${what}: ${where} failed: ${firstLine(msg)}`, key);
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? s;
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

/** Prepends and strips the backend's key prefix. */
export class Keys {
  constructor(readonly prefix: string) {}
  enc(key: string): Buffer {
    return Buffer.from(this.prefix + key);
  }
  dec(raw: Buffer): string {
    return raw.toString().slice(this.prefix.length);
  }
  /** The end of the key range holding every key starting with prefix (etcd's range_end). */
  rangeEnd(prefix: string): Buffer {
    const b = Buffer.from(this.prefix + prefix);
    for (let i = b.length - 1; i >= 0; i--) {
      if (b[i] < 0xff) {
        const end = Buffer.from(b.subarray(0, i + 1));
        end[i] = b[i] + 1;
        return end;
      }
    }
    return Buffer.from([0]); // the whole keyspace
  }
  kv(raw: IKeyValue): KeyValue {
    return {
      key: this.dec(raw.key),
      value: raw.value.toString(),
      createRevision: Number(raw.create_revision),
      modRevision: Number(raw.mod_revision),
    };
  }
}
