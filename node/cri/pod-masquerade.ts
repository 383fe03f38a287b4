// Masquerade for traffic leaving the pod network, as one rule for the whole pod CIDR instead
// of the bridge plugin's `ipMasq` (which adds a chain and ~8 `iptables` runs to every
// sandbox's CNI ADD, and as many to its DEL: a good share of a node's CPU when 30 pods start
// at once, bench/node). Same traffic masqueraded: from the pod CIDR to anywhere outside it,
// multicast excepted. In the nat table of the node's network namespace, through `iptables`
// (the binary the bridge plugin used), installed when the agent starts containerd.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const POD_MASQ_CHAIN = 'KUBETS-POD-MASQ';
const COMMENT = 'kubets: pod traffic leaving the pod network';

/** The iptables-restore input that (re)fills our chain (declaring it flushes it); the same for every pod CIDR. */
export const POD_MASQ_RULES = ['*nat', `:${POD_MASQ_CHAIN} - [0:0]`, `-A ${POD_MASQ_CHAIN} ! -d 224.0.0.0/4 -j MASQUERADE`, 'COMMIT', ''].join('\n');

/** POSTROUTING's jump to our chain for one pod CIDR (two agents in one namespace each have theirs). */
const jumpRule = (podCIDR: string) => ['POSTROUTING', '-s', podCIDR, '!', '-d', podCIDR, '-m', 'comment', '--comment', COMMENT, '-j', POD_MASQ_CHAIN];

function restore(input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('iptables-restore', ['--noflush'], (err, _out, stderr) => (err ? reject(new Error(`iptables-restore: ${stderr.trim() || err.message}`)) : resolve()));
    child.stdin?.end(input);
  });
}

/** Installs (idempotently) the chain and the POSTROUTING jump to it for `podCIDR`. */
export async function ensurePodMasquerade(podCIDR: string): Promise<void> {
  await restore(POD_MASQ_RULES);
  const exists = await run('iptables', ['-w', '-t', 'nat', '-C', ...jumpRule(podCIDR)]).then(
    () => true,
    () => false,
  );
  if (!exists) await run('iptables', ['-w', '-t', 'nat', '-A', ...jumpRule(podCIDR)]);
}

/** Removes `podCIDR`'s jump, and the chain once no jump to it is left; quiet when there is none. */
export async function removePodMasquerade(podCIDR: string): Promise<void> {
  await run('iptables', ['-w', '-t', 'nat', '-D', ...jumpRule(podCIDR)]).catch(() => undefined);
  const listed = await run('iptables', ['-w', '-t', 'nat', '-S', 'POSTROUTING']).catch(() => undefined);
  if (listed?.stdout.includes(`-j ${POD_MASQ_CHAIN}`)) return;
  await run('iptables', ['-w', '-t', 'nat', '-F', POD_MASQ_CHAIN]).catch(() => undefined);
  await run('iptables', ['-w', '-t', 'nat', '-X', POD_MASQ_CHAIN]).catch(() => undefined);
}
