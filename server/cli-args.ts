// Command-line parsing for `kubets`: pure, so every flag rule is testable without a process.

import { parseGoDuration } from '../api/meta/duration.ts';
import { parsePool } from './cloud-controller-manager/pool.ts';

export const CONTROL_PLANE_LAYOUTS = ['separate', 'in-process'] as const;
export type ControlPlaneLayout = (typeof CONTROL_PLANE_LAYOUTS)[number];

export const DISABLEABLE = ['controllers', 'scheduler', 'cloud-controller-manager'] as const;
export type Disableable = (typeof DISABLEABLE)[number];

export interface ServerFlags {
  dataDir: string;
  port: number;
  bindAddress: string;
  etcdServers?: string[];
  disable: Disableable[];
  verbosity: number;
  /** Extra serving-certificate SANs. */
  tlsSans: string[];
  tokenAuthFile?: string;
  /** An EncryptionConfiguration (apiserver.config.k8s.io/v1) for data at rest. */
  encryptionProviderConfig?: string;
  /** Audit: upstream's --audit-policy-file and --audit-log-* flags. */
  auditPolicyFile?: string;
  auditLogPath?: string;
  auditLogMaxSize?: number;
  auditLogMaxBackup?: number;
  auditLogMaxAge?: number;
  /** The webhook backend: a kubeconfig naming where EventLists go, and its batching. */
  auditWebhookConfigFile?: string;
  auditWebhookBatchMaxSize?: number;
  auditWebhookBatchMaxWaitMs?: number;
  auditWebhookInitialBackoffMs?: number;
  /** The cloud-controller-manager's load-balancer addresses (IPs, CIDRs, a-b ranges); none: node addresses. */
  loadBalancerPool?: string[];
  /** The controller-manager's and scheduler's Lease timings (upstream's --leader-elect-* flags). */
  leaderElection?: { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  /** Where the controller-manager and scheduler run: their own process (default) or the apiserver's thread. */
  controlPlane?: ControlPlaneLayout;
  /** Upstream's --event-ttl: how long Events are kept after their last write, in ms. */
  eventTtlMs?: number;
}

/** Flags of the loops that run apart from the apiserver: controller-manager, scheduler, sim. */
export interface LoopFlags {
  kubeconfig: string;
  verbosity: number;
  /** sim: how many nodes, and their name prefix. */
  nodes: number;
  namePrefix: string;
  /** sim: index of the first node (a second sim process takes other pod IP ranges). */
  startIndex: number;
}

export type LoopCommand = 'controller-manager' | 'scheduler' | 'sim';

/** Flags of `kubets agent` (one node: kubelet + containerd). */
export interface AgentFlags {
  kubeconfig?: string;
  server?: string;
  token?: string;
  containerRuntimeEndpoint?: string;
  nodeName?: string;
  dataDir: string;
  podCIDR?: string;
  /** Upstream's --sync-frequency: how often volumes and pods are synced again, in ms. */
  syncFrequencyMs?: number;
  verbosity: number;
}

/** `kubets image import FILE` / `kubets image build-busybox [FILE]`. */
export interface ImageFlags {
  action: 'import' | 'build-busybox';
  file?: string;
  dataDir: string;
  containerRuntimeEndpoint?: string;
}

export type Command =
  | { kind: 'help'; topic?: string }
  | { kind: 'agent'; flags: AgentFlags }
  | { kind: 'image'; flags: ImageFlags }
  | { kind: 'version' }
  | { kind: 'server' | 'all'; flags: ServerFlags }
  | { kind: LoopCommand; flags: LoopFlags }
  /** What `kubets server` forks: its controller-manager and scheduler, configured over IPC. */
  | { kind: 'control-plane' }
  | { kind: 'error'; message: string };

export const USAGE = `kubets: a Kubernetes control plane in TypeScript

Usage:
  kubets server [flags]   run the apiserver (and controllers and scheduler unless disabled)
  kubets all [flags]      everything on one machine (what npm start runs)
  kubets controller-manager --kubeconfig F   the controllers alone, against any apiserver
  kubets scheduler --kubeconfig F            the scheduler alone
  kubets sim --kubeconfig F --nodes N [--name-prefix P] [--start-index I]
                                             N simulated nodes (no containers) for scale work
  kubets agent --kubeconfig F | --server URL [--token T] [--node-name N] [--data-dir D]
               [--container-runtime-endpoint unix:///S] [--pod-cidr CIDR]
               [--sync-frequency DURATION (default 1m0s)]
                                             one node: a kubelet running pods in containerd
                                             (started under D/containerd without an endpoint)
  kubets image import FILE [--data-dir D]    load a docker-archive or OCI tarball into the node
  kubets image build-busybox [FILE]          the busybox image (and pause image) from /bin/busybox
  kubets version          print the version
  kubets --help           this text

Flags of server and all:
  --data-dir DIR            where state, PKI and kubeconfig live (default .kubets)
  --port PORT               HTTPS port (default 6443; 0 picks a free one)
  --bind-address ADDR       address to listen on (default 127.0.0.1)
  --etcd-servers URL,...    store in etcd instead of the embedded SQLite file
  --disable NAME,...        do not start: controllers, scheduler, cloud-controller-manager
  --control-plane LAYOUT    where controllers and scheduler run: separate (default: a
                            process of their own, as upstream's binaries, so the apiserver
                            keeps its core) or in-process (the apiserver's one thread)
  --load-balancer-pool A,.. LoadBalancer Service addresses: IPs, CIDRs, ranges a-b
                            (default: the nodes' addresses, as k3s's ServiceLB)
  --tls-san NAME,...        extra DNS names or IPs for the serving certificate
  --event-ttl DURATION      how long Events are kept after their last write (default 1h)
  --token-auth-file FILE    static bearer tokens, CSV: token,user,uid,"group1,group2"
  --encryption-provider-config FILE
                            an EncryptionConfiguration: Secrets (or what it names) are
                            stored encrypted (aescbc, aesgcm, secretbox)
  --audit-policy-file FILE  an audit Policy (audit.k8s.io/v1); with --audit-log-path,
                            every request is logged at the level its first rule gives
  --audit-log-path FILE     where audit events go, one JSON line each ('-': stdout)
  --audit-log-maxsize MB    rotate the audit log at this size (default 0: never)
  --audit-log-maxbackup N   rotated audit logs kept (default 0: all)
  --audit-log-maxage DAYS   days a rotated audit log is kept (default 0: no limit)
  --audit-webhook-config-file FILE
                            a kubeconfig: audit events are POSTed in batches (EventList)
                            to its server, with its CA and credentials
  --audit-webhook-batch-max-size N, --audit-webhook-batch-max-wait D,
  --audit-webhook-initial-backoff D
                            a batch's size (default 400) and longest wait (30s); the
                            first retry's delay (10s); --audit-webhook-mode: batch only
  --leader-elect-lease-duration D, --leader-elect-renew-deadline D,
  --leader-elect-retry-period D
                            the controller-manager's and scheduler's Lease timings
                            (default 15s, 10s, 2s)
  -v, -v=N                  more logging (repeat -v, or give a level)
`;

const VALUE_FLAGS = new Set([
  'data-dir',
  'port',
  'bind-address',
  'etcd-servers',
  'disable',
  'control-plane',
  'tls-san',
  'event-ttl',
  'token-auth-file',
  'encryption-provider-config',
  'audit-policy-file',
  'audit-log-path',
  'audit-log-maxsize',
  'audit-log-maxbackup',
  'audit-log-maxage',
  'audit-webhook-config-file',
  'audit-webhook-batch-max-size',
  'audit-webhook-batch-max-wait',
  'audit-webhook-initial-backoff',
  'audit-webhook-mode',
  'load-balancer-pool',
  'leader-elect-lease-duration',
  'leader-elect-renew-deadline',
  'leader-elect-retry-period',
]);

const LEADER_ELECT_FLAGS: Record<string, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'> = {
  'leader-elect-lease-duration': 'leaseDurationMs',
  'leader-elect-renew-deadline': 'renewDeadlineMs',
  'leader-elect-retry-period': 'retryPeriodMs',
};

/** A Go duration of one unit (500ms, 15s, 1m) in milliseconds. */
function durationMs(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(v);
  if (!m) return undefined;
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
  return ms > 0 ? ms : undefined;
}

/** A positive Go duration (1h30m, 90s) in ms, or the message for a flag that has none. */
function positiveDuration(flag: string, value: string): number | string {
  let ms: number;
  try {
    ms = parseGoDuration(value);
  } catch (e) {
    return `--${flag}: ${(e as Error).message}`;
  }
  return ms > 0 ? ms : `--${flag} must be positive, got ${value}`;
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseServerFlags(args: string[]): ServerFlags | string {
  const flags: ServerFlags = {
    dataDir: '.kubets',
    port: 6443,
    bindAddress: '127.0.0.1',
    disable: [],
    verbosity: 0,
    tlsSans: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const v = /^--?v(?:=(.*))?$/.exec(arg);
    if (v) {
      if (v[1] === undefined) flags.verbosity += 1;
      else if (/^\d+$/.test(v[1])) flags.verbosity = Number(v[1]);
      else return `-v wants a number, got "${v[1]}"`;
      continue;
    }
    if (/^-v+$/.test(arg)) {
      flags.verbosity += arg.length - 1;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m || !VALUE_FLAGS.has(m[1])) return `unknown flag ${arg}`;
    const name = m[1];
    let value = m[2];
    if (value === undefined) {
      if (i + 1 >= args.length) return `--${name} needs a value`;
      value = args[++i];
    }
    if (LEADER_ELECT_FLAGS[name]) {
      const ms = durationMs(value);
      if (ms === undefined) return `--${name} wants a duration such as 15s or 500ms, got "${value}"`;
      flags.leaderElection = { ...flags.leaderElection, [LEADER_ELECT_FLAGS[name]]: ms };
      continue;
    }
    switch (name) {
      case 'data-dir':
        if (value === '') return '--data-dir must not be empty';
        flags.dataDir = value;
        break;
      case 'port': {
        const port = Number(value);
        if (!/^\d+$/.test(value) || port > 65535) return `--port wants a number from 0 to 65535, got "${value}"`;
        flags.port = port;
        break;
      }
      case 'bind-address':
        flags.bindAddress = value;
        break;
      case 'etcd-servers': {
        const urls = list(value);
        const bad = urls.find((u) => !/^https?:\/\/[^/]+/.test(u));
        if (urls.length === 0 || bad !== undefined) {
          return `--etcd-servers wants http(s) URLs, got "${bad ?? value}"`;
        }
        flags.etcdServers = urls;
        break;
      }
      case 'disable':
        for (const d of list(value)) {
          if (!(DISABLEABLE as readonly string[]).includes(d)) {
            return `--disable: unknown component "${d}" (known: ${DISABLEABLE.join(', ')})`;
          }
          if (!flags.disable.includes(d as Disableable)) flags.disable.push(d as Disableable);
        }
        break;
      case 'control-plane':
        if (!(CONTROL_PLANE_LAYOUTS as readonly string[]).includes(value)) return `--control-plane wants ${CONTROL_PLANE_LAYOUTS.join(' or ')}, got "${value}"`;
        flags.controlPlane = value as ControlPlaneLayout;
        break;
      case 'load-balancer-pool': {
        try {
          parsePool(list(value));
        } catch (e) {
          return `--load-balancer-pool: ${(e as Error).message}`;
        }
        flags.loadBalancerPool = [...(flags.loadBalancerPool ?? []), ...list(value)];
        break;
      }
      case 'tls-san':
        flags.tlsSans.push(...list(value));
        break;
      case 'token-auth-file':
        flags.tokenAuthFile = value;
        break;
      case 'event-ttl': {
        const ms = positiveDuration(name, value);
        if (typeof ms === 'string') return ms;
        flags.eventTtlMs = ms;
        break;
      }
      case 'encryption-provider-config':
        flags.encryptionProviderConfig = value;
        break;
      case 'audit-policy-file':
        flags.auditPolicyFile = value;
        break;
      case 'audit-log-path':
        flags.auditLogPath = value;
        break;
      case 'audit-webhook-config-file':
        flags.auditWebhookConfigFile = value;
        break;
      case 'audit-webhook-batch-max-size':
        if (!/^[1-9]\d*$/.test(value)) return `--${name} wants a positive whole number, got "${value}"`;
        flags.auditWebhookBatchMaxSize = Number(value);
        break;
      case 'audit-webhook-batch-max-wait':
      case 'audit-webhook-initial-backoff': {
        const ms = positiveDuration(name, value);
        if (typeof ms === 'string') return ms;
        if (name === 'audit-webhook-batch-max-wait') flags.auditWebhookBatchMaxWaitMs = ms;
        else flags.auditWebhookInitialBackoffMs = ms;
        break;
      }
      case 'audit-webhook-mode':
        // Upstream's blocking modes hold each request until its events are sent; kubets batches.
        if (value !== 'batch') return `--audit-webhook-mode: only batch is supported, got "${value}"`;
        break;
      case 'audit-log-maxsize':
      case 'audit-log-maxbackup':
      case 'audit-log-maxage': {
        if (!/^\d+$/.test(value)) return `--${name} wants a whole number, got "${value}"`;
        const key = ({ 'audit-log-maxsize': 'auditLogMaxSize', 'audit-log-maxbackup': 'auditLogMaxBackup', 'audit-log-maxage': 'auditLogMaxAge' } as const)[name];
        flags[key] = Number(value);
        break;
      }
    }
  }
  if (flags.leaderElection) {
    const { leaseDurationMs = 15_000, renewDeadlineMs = 10_000, retryPeriodMs = 2_000 } = flags.leaderElection;
    if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs)) {
      return 'leader election wants --leader-elect-lease-duration > --leader-elect-renew-deadline > --leader-elect-retry-period';
    }
  }
  return flags;
}

function parseLoopFlags(cmd: LoopCommand, args: string[]): LoopFlags | string {
  const flags: LoopFlags = { kubeconfig: process.env.KUBECONFIG ?? '', verbosity: 0, nodes: 3, namePrefix: 'sim-node-', startIndex: 0 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const v = /^--?v(?:=(\d+))?$/.exec(arg);
    if (v) {
      flags.verbosity = v[1] === undefined ? flags.verbosity + 1 : Number(v[1]);
      continue;
    }
    const m = /^--(kubeconfig|nodes|name-prefix|start-index)(?:=(.*))?$/s.exec(arg);
    if (!m || (cmd !== 'sim' && m[1] !== 'kubeconfig')) return `unknown flag ${arg}`;
    let value = m[2];
    if (value === undefined) {
      if (i + 1 >= args.length) return `--${m[1]} needs a value`;
      value = args[++i];
    }
    if (m[1] === 'kubeconfig') flags.kubeconfig = value;
    else if (m[1] === 'name-prefix') flags.namePrefix = value;
    else if (m[1] === 'start-index') {
      if (!/^\d+$/.test(value)) return `--start-index wants a number, got "${value}"`;
      flags.startIndex = Number(value);
    } else {
      if (!/^\d+$/.test(value) || Number(value) < 1) return `--nodes wants a positive number, got "${value}"`;
      flags.nodes = Number(value);
    }
  }
  if (!flags.kubeconfig) return `${cmd} needs --kubeconfig FILE (or KUBECONFIG)`;
  return flags;
}

function flagValues(args: string[], known: string[]): { values: Map<string, string>; positional: string[]; verbosity: number } | string {
  const values = new Map<string, string>();
  const positional: string[] = [];
  let verbosity = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const v = /^--?v(?:=(\d+))?$/.exec(arg);
    if (v) {
      verbosity = v[1] === undefined ? verbosity + 1 : Number(v[1]);
      continue;
    }
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m || !known.includes(m[1])) return `unknown flag ${arg}`;
    let value = m[2];
    if (value === undefined) {
      if (i + 1 >= args.length) return `--${m[1]} needs a value`;
      value = args[++i];
    }
    values.set(m[1], value);
  }
  return { values, positional, verbosity };
}

export const AGENT_DATA_DIR = '.kubets/agent';

function parseAgentFlags(args: string[]): AgentFlags | string {
  const f = flagValues(args, ['kubeconfig', 'server', 'token', 'container-runtime-endpoint', 'node-name', 'data-dir', 'pod-cidr', 'sync-frequency']);
  if (typeof f === 'string') return f;
  if (f.positional.length) return `unexpected argument ${f.positional[0]}`;
  const server = f.values.get('server');
  const flags: AgentFlags = {
    // KUBECONFIG stands in for --kubeconfig only when the agent is not told to join (--server).
    kubeconfig: f.values.get('kubeconfig') ?? (server ? undefined : process.env.KUBECONFIG),
    server,
    token: f.values.get('token'),
    containerRuntimeEndpoint: f.values.get('container-runtime-endpoint'),
    nodeName: f.values.get('node-name'),
    dataDir: f.values.get('data-dir') ?? AGENT_DATA_DIR,
    podCIDR: f.values.get('pod-cidr'),
    verbosity: f.verbosity,
  };
  const sync = f.values.get('sync-frequency');
  if (sync !== undefined) {
    const ms = positiveDuration('sync-frequency', sync);
    if (typeof ms === 'string') return ms;
    flags.syncFrequencyMs = ms;
  }
  // Neither: the agent may still have the credentials of an earlier join in its data dir
  // (DATA_DIR/kubelet.kubeconfig), as upstream's kubelet keeps --kubeconfig after a
  // --bootstrap-kubeconfig join; --server without --token likewise reuses them. runAgent says
  // what is missing when they are not there.
  if (flags.token !== undefined && !flags.server) return '--token needs --server URL';
  if (flags.nodeName !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(flags.nodeName)) return `--node-name must be a lowercase DNS name, got "${flags.nodeName}"`;
  return flags;
}

function parseImageFlags(args: string[]): ImageFlags | string {
  const f = flagValues(args, ['data-dir', 'container-runtime-endpoint']);
  if (typeof f === 'string') return f;
  const [action, file, extra] = f.positional;
  if (action !== 'import' && action !== 'build-busybox') return 'image wants a subcommand: import FILE, or build-busybox [FILE]';
  if (extra !== undefined) return `unexpected argument ${extra}`;
  if (action === 'import' && !file) return 'image import needs a FILE (a docker-archive or OCI tarball)';
  return { action, file, dataDir: f.values.get('data-dir') ?? AGENT_DATA_DIR, containerRuntimeEndpoint: f.values.get('container-runtime-endpoint') };
}

export function parseCli(argv: string[]): Command {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') return { kind: 'help', topic: rest[0] };
  if (cmd === 'version' || cmd === '--version') return { kind: 'version' };
  if (cmd === 'server' || cmd === 'all') {
    if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', topic: cmd };
    const flags = parseServerFlags(rest);
    return typeof flags === 'string' ? { kind: 'error', message: flags } : { kind: cmd, flags };
  }
  if (cmd === 'control-plane') return rest.length ? { kind: 'error', message: 'control-plane takes no arguments' } : { kind: 'control-plane' };
  if (cmd === 'controller-manager' || cmd === 'scheduler' || cmd === 'sim') {
    if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', topic: cmd };
    const flags = parseLoopFlags(cmd, rest);
    return typeof flags === 'string' ? { kind: 'error', message: flags } : { kind: cmd, flags };
  }
  if (cmd === 'agent' || cmd === 'image') {
    if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', topic: cmd };
    if (cmd === 'agent') {
      const flags = parseAgentFlags(rest);
      return typeof flags === 'string' ? { kind: 'error', message: flags } : { kind: 'agent', flags };
    }
    const flags = parseImageFlags(rest);
    return typeof flags === 'string' ? { kind: 'error', message: flags } : { kind: 'image', flags };
  }
  return { kind: 'error', message: `unknown command "${cmd}"` };
}
