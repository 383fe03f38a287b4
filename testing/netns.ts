// A throwaway network for tests that install addresses and nftables rules: named network
// namespaces (unique names, deleted after), never the host's network. One "node" namespace
// holds a bridge (10.244.0.1/24) and forwards; each "pod" namespace is wired to the bridge by
// a veth (10.244.0.2, .3, …, default route via the bridge); an optional "outside" namespace
// is a client beyond the node, on 192.168.50.2 with the node at 192.168.50.1.
// Needs root and iproute2; `netnsCheck()` says why a test is skipped otherwise.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { checkTool, required } from './tools.ts';

const run = promisify(execFile);

export function netnsCheck(): { skipReason?: string } {
  for (const bin of ['ip', '/usr/sbin/nft']) {
    const c = checkTool('netns', bin);
    if (c.skipReason) return c;
  }
  if (process.getuid?.() !== 0) {
    if (required().has('netns')) throw new Error('netns is required (KUBETS_REQUIRE) but the tests do not run as root');
    return { skipReason: 'network namespaces need root; run as root or set KUBETS_REQUIRE=netns to make this a failure' };
  }
  return {};
}

export interface PodNs {
  netns: string;
  ip: string;
}

export interface Testbed {
  node: string;
  nodeIP: string;
  pods: PodNs[];
  outside?: { netns: string; ip: string };
  /** Runs a command inside a namespace; resolves with stdout. */
  exec(netns: string, cmd: string[], opts?: { input?: string; timeoutMs?: number }): Promise<string>;
  /** Starts a long-running process inside a namespace; stopped by close(). */
  spawn(netns: string, cmd: string[]): ChildProcess;
  close(): Promise<void>;
}

export async function createTestbed(opts: { pods: number; outside?: boolean }): Promise<Testbed> {
  const id = `kt${randomBytes(3).toString('hex')}`;
  const names: string[] = [];
  const procs: ChildProcess[] = [];
  const ip = (...args: string[]) => run('ip', args);
  const inNs = (ns: string, ...args: string[]) => run('ip', ['netns', 'exec', ns, ...args]);
  const add = async (name: string) => {
    await ip('netns', 'add', name);
    names.push(name);
    await inNs(name, 'ip', 'link', 'set', 'lo', 'up');
  };
  const close = async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    for (const n of names.reverse()) await ip('netns', 'del', n).catch(() => {});
  };
  try {
    const node = `${id}-node`;
    await add(node);
    await inNs(node, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
    await inNs(node, 'ip', 'addr', 'add', '10.244.0.1/24', 'dev', 'br0');
    await inNs(node, 'ip', 'link', 'set', 'br0', 'up');
    await inNs(node, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    const pods: PodNs[] = [];
    for (let i = 0; i < opts.pods; i++) {
      const pod = `${id}-p${i}`;
      await add(pod);
      const hostSide = `${id}v${i}`;
      await ip('link', 'add', hostSide, 'netns', node, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod);
      await inNs(node, 'ip', 'link', 'set', hostSide, 'master', 'br0', 'up');
      // A pod reaching itself through a Service leaves and re-enters by the same bridge port.
      await inNs(node, 'bridge', 'link', 'set', 'dev', hostSide, 'hairpin', 'on');
      const addr = `10.244.0.${i + 2}`;
      await inNs(pod, 'ip', 'addr', 'add', `${addr}/24`, 'dev', 'eth0');
      await inNs(pod, 'ip', 'link', 'set', 'eth0', 'up');
      await inNs(pod, 'ip', 'route', 'add', 'default', 'via', '10.244.0.1');
      pods.push({ netns: pod, ip: addr });
    }
    let outside: Testbed['outside'];
    if (opts.outside) {
      const out = `${id}-out`;
      await add(out);
      await ip('link', 'add', `${id}ext`, 'netns', node, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', out);
      await inNs(node, 'ip', 'addr', 'add', '192.168.50.1/24', 'dev', `${id}ext`);
      await inNs(node, 'ip', 'link', 'set', `${id}ext`, 'up');
      await inNs(out, 'ip', 'addr', 'add', '192.168.50.2/24', 'dev', 'eth0');
      await inNs(out, 'ip', 'link', 'set', 'eth0', 'up');
      await inNs(out, 'ip', 'route', 'add', 'default', 'via', '192.168.50.1');
      outside = { netns: out, ip: '192.168.50.2' };
    }
    // Service addresses need a route on the node (upstream relies on the default one): here
    // an uplink of its own (a veth pair, as this kernel has no dummy links), so that traffic
    // to a Service without endpoints is forwarded (and rejected) rather than bounced back by
    // an ICMP redirect.
    await inNs(node, 'ip', 'link', 'add', 'uplink0', 'type', 'veth', 'peer', 'name', 'uplink1');
    await inNs(node, 'ip', 'link', 'set', 'uplink1', 'up');
    await inNs(node, 'ip', 'link', 'set', 'uplink0', 'up');
    await inNs(node, 'ip', 'route', 'add', 'default', 'dev', 'uplink0');
    return {
      node,
      nodeIP: opts.outside ? '192.168.50.1' : '10.244.0.1',
      pods,
      outside,
      async exec(netns, cmd, o = {}) {
        const child = execFile('ip', ['netns', 'exec', netns, ...cmd], { timeout: o.timeoutMs ?? 20_000, maxBuffer: 64 << 20 });
        const done = new Promise<string>((resolve, reject) => {
          let out = '';
          let err = '';
          child.stdout!.on('data', (d) => (out += d));
          child.stderr!.on('data', (d) => (err += d));
          child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd.join(' ')} in ${netns}: exit ${code}: ${err}`))));
        });
        child.stdin!.end(o.input ?? '');
        return done;
      },
      spawn(netns, cmd) {
        const p = spawn('ip', ['netns', 'exec', netns, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
        procs.push(p);
        return p;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
