// Installs a Ruleset with `nft -f -` as ONE transaction: the table's maps are emptied, its
// rules flushed, chains and affinity sets no longer generated deleted, and the whole table
// declared again, so a packet sees either the old ruleset or the new one, never a mix, and
// never an empty table. The table is never deleted: established connections keep their
// conntrack entries and ClientIP affinity sets that are still wanted keep their members,
// so a restarted agent resyncs without dropping traffic. What the table holds is read from
// the kernel at the first sync (and after a failed one), then tracked.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BASE_CHAINS, type Ruleset } from './rules.ts';

/** Runs `nft` with these arguments and stdin; rejects with its stderr on failure. */
export type NftRunner = (args: string[], stdin?: string) => Promise<string>;

/** The system's nft: by path, as `nft` on PATH may be npm's @vercel/nft when run through npx. */
export const NFT = ['/usr/sbin/nft', '/sbin/nft'].find((p) => existsSync(p)) ?? 'nft';

/** `nft`, optionally inside a named network namespace (`ip netns exec NAME nft …`). */
export function nftRunner(netns?: string): NftRunner {
  return (args, stdin) =>
    new Promise((resolve, reject) => {
      const cmd = netns ? 'ip' : NFT;
      const full = netns ? ['netns', 'exec', netns, NFT, ...args] : args;
      const p = spawn(cmd, full, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      p.stdout.on('data', (d) => out.push(d));
      p.stderr.on('data', (d) => err.push(d));
      p.on('error', reject);
      p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString()) : reject(new Error(`nft ${args.join(' ')} failed (${code}): ${Buffer.concat(err).toString().slice(0, 2000)}`))));
      // nft may exit before reading its input (`list` does not read it): EPIPE is not an error here.
      p.stdin.on('error', () => {});
      p.stdin.end(stdin ?? '');
    });
}

interface Installed {
  chains: Set<string>;
  sets: Set<string>;
  maps: Set<string>;
}

/** Names of the chains, sets and maps a `nft list table` output declares. */
export function parseTableObjects(listing: string): Installed {
  const got: Installed = { chains: new Set(), sets: new Set(), maps: new Set() };
  for (const m of listing.matchAll(/^\s*(chain|set|map) (\S+) \{/gm)) {
    (m[1] === 'chain' ? got.chains : m[1] === 'set' ? got.sets : got.maps).add(m[2]);
  }
  return got;
}

/** The transaction that turns what is installed into `rs`. */
export function transaction(rs: Ruleset, installed: Installed): string {
  const t = `ip ${rs.table}`;
  const lines = [`add table ${t}`];
  for (const m of installed.maps) lines.push(`flush map ${t} ${m}`);
  lines.push(`flush table ${t}`);
  const keepChains = new Set([...rs.chains, ...BASE_CHAINS]);
  for (const c of installed.chains) if (!keepChains.has(c)) lines.push(`delete chain ${t} ${c}`);
  const keepSets = new Set(rs.sets);
  for (const s of installed.sets) if (!keepSets.has(s)) lines.push(`delete set ${t} ${s}`);
  for (const m of installed.maps) if (!rs.maps.includes(m)) lines.push(`delete map ${t} ${m}`);
  return `${lines.join('\n')}\n${rs.text}`;
}

export class NftApplier {
  private installed: Installed | undefined;

  constructor(private readonly nft: NftRunner) {}

  private async read(table: string): Promise<Installed> {
    try {
      return parseTableObjects(await this.nft(['list', 'table', 'ip', table]));
    } catch {
      return { chains: new Set(), sets: new Set(), maps: new Set() };
    }
  }

  async apply(rs: Ruleset): Promise<void> {
    this.installed ??= await this.read(rs.table);
    try {
      await this.nft(['-f', '-'], transaction(rs, this.installed));
    } catch (e) {
      // What we thought was installed may be wrong (someone else changed the table): read and retry once.
      this.installed = await this.read(rs.table);
      try {
        await this.nft(['-f', '-'], transaction(rs, this.installed));
      } catch (e2) {
        this.installed = undefined;
        throw e2 instanceof Error ? e2 : e;
      }
    }
    this.installed = { chains: new Set(rs.chains), sets: new Set(rs.sets), maps: new Set(rs.maps) };
  }

  /** Removes the table (agent uninstall; not on restart). */
  async cleanup(table: string): Promise<void> {
    await this.nft(['-f', '-'], `add table ip ${table}\ndelete table ip ${table}\n`).catch(() => {});
    this.installed = undefined;
  }
}
