// CPU time of groups of processes from /proc, for the node bench's "who used the two cores
// while the pods started" table: a group is every process whose command line names a
// directory (the agent's or the bare runtime's data dir: containerd and its shims; the
// server's data dir) plus their descendants. Ticks are user + system, with children that were
// waited for (runc under a shim, CNI plugins under containerd), 1/100 s each.

import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SEC = 100;

interface Proc {
  pid: number;
  ppid: number;
  ticks: number;
  cmdline: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state ppid ... utime(11) stime(12) cutime(13) cstime(14).
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return { pid, ppid: Number(f[1]), ticks, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ') };
  } catch {
    return undefined; // gone meanwhile
  }
}

export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const p = readProc(Number(e));
    if (p) out.push(p);
  }
  return out;
}

/** CPU seconds used so far by the processes naming `marker` and their descendants, except `exclude`. */
export function groupCpuSeconds(marker: string, exclude: number[] = []): number {
  const all = processes();
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const seen = new Set<number>();
  const walk = (p: Proc) => {
    if (seen.has(p.pid) || exclude.includes(p.pid)) return;
    seen.add(p.pid);
    for (const c of children.get(p.pid) ?? []) walk(c);
  };
  for (const p of all) if (p.cmdline.includes(marker)) walk(p);
  let ticks = 0;
  for (const p of all) if (seen.has(p.pid)) ticks += p.ticks;
  return ticks / TICKS_PER_SEC;
}

/** CPU seconds of one process (without children). */
export function processCpuSeconds(pid: number): number {
  const p = readProc(pid);
  return p ? p.ticks / TICKS_PER_SEC : 0;
}
