// Installs a Ruleset with `nft -f -` as ONE transaction. A full sync (the first, after a
// failure, and every few minutes) empties the table's maps, flushes its rules, deletes chains
// and affinity sets no longer generated and declares the whole table again; a partial sync
// (the others) rewrites only the chains and map elements that changed since the last sync.
// Either way a packet sees the old ruleset or the new one, never a mix, and never an empty
// table. The table is never deleted: established connections keep their
// conntrack entries and ClientIP affinity sets that are still wanted keep their members,
// so a restarted agent resyncs without dropping traffic. What the table holds is read from
// the kernel at the first sync (and after a failed one), then tracked.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BASE_CHAINS, type Ruleset, type RulesetParts } from './rules.ts';

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

/** Every this long a sync is a full one even when a partial one would do (repairs drift). */
export const FULL_SYNC_PERIOD_MS = 5 * 60_000;

const key = (el: string) => el.slice(0, el.lastIndexOf(' : '));

/**
 * The transaction that turns `prev` (installed by the last sync) into `next`, touching only
 * what changed, as upstream's nftables proxier's partial syncs: new sets and chains added,
 * changed chains flushed and refilled, map elements deleted and added by key, chains and
 * sets no longer wanted flushed, then deleted (after nothing refers to them). Undefined when
 * the fixed part changed (a full sync is needed). Empty when nothing changed.
 */
export function partialTransaction(table: string, prev: RulesetParts, next: RulesetParts): string | undefined {
  if (prev.fixed !== next.fixed) return undefined;
  const t = `ip ${table}`;
  const lines: string[] = [];
  for (const [name, decl] of next.sets) if (prev.sets.get(name) !== decl) {
    if (prev.sets.has(name)) return undefined; // a declaration changed in place: not expected (names hash it)
    lines.push(`add set ${t} ${name} { ${decl} }`);
  }
  for (const name of next.chains.keys()) if (!prev.chains.has(name)) lines.push(`add chain ${t} ${name}`);
  for (const [name, rules] of next.chains) {
    const old = prev.chains.get(name);
    if (old && old.length === rules.length && old.every((r, i) => r === rules[i])) continue;
    if (old) lines.push(`flush chain ${t} ${name}`);
    for (const r of rules) lines.push(`add rule ${t} ${name} ${r}`);
  }
  for (const [m, els] of Object.entries(next.elements)) {
    const before = new Map((prev.elements[m] ?? []).map((el) => [key(el), el]));
    const after = new Map(els.map((el) => [key(el), el]));
    const gone = [...before].filter(([k, el]) => after.get(k) !== el).map(([k]) => k);
    const added = [...after].filter(([k, el]) => before.get(k) !== el).map(([, el]) => el);
    if (gone.length) lines.push(`delete element ${t} ${m} { ${gone.join(', ')} }`);
    if (added.length) lines.push(`add element ${t} ${m} { ${added.join(', ')} }`);
  }
  const staleChains = [...prev.chains.keys()].filter((c) => !next.chains.has(c));
  for (const c of staleChains) lines.push(`flush chain ${t} ${c}`);
  for (const c of staleChains) lines.push(`delete chain ${t} ${c}`);
  for (const s of prev.sets.keys()) if (!next.sets.has(s)) lines.push(`delete set ${t} ${s}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export class NftApplier {
  private installed: Installed | undefined;
  /** What the last successful sync installed (partial syncs diff against it). */
  private last: RulesetParts | undefined;
  private lastFull = 0;
  /** What the last apply did: 'full', 'partial' or 'none' (nothing changed). */
  lastKind: 'full' | 'partial' | 'none' = 'none';

  constructor(private readonly nft: NftRunner, private readonly fullSyncPeriodMs = FULL_SYNC_PERIOD_MS) {}

  private async read(table: string): Promise<Installed> {
    try {
      return parseTableObjects(await this.nft(['list', 'table', 'ip', table]));
    } catch {
      return { chains: new Set(), sets: new Set(), maps: new Set() };
    }
  }

  async apply(rs: Ruleset): Promise<void> {
    const partial = this.last && rs.parts && Date.now() - this.lastFull < this.fullSyncPeriodMs ? partialTransaction(rs.table, this.last, rs.parts) : undefined;
    if (partial !== undefined) {
      try {
        if (partial) await this.nft(['-f', '-'], partial);
        this.lastKind = partial ? 'partial' : 'none';
        this.last = rs.parts;
        this.installed = { chains: new Set(rs.chains), sets: new Set(rs.sets), maps: new Set(rs.maps) };
        return;
      } catch {
        // The kernel's table is not what we think: a full sync (below) repairs it.
        this.installed = undefined;
      }
    }
    this.last = undefined;
    await this.applyFull(rs);
    this.last = rs.parts;
    this.lastFull = Date.now();
    this.lastKind = 'full';
  }

  private async applyFull(rs: Ruleset): Promise<void> {
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
    this.last = undefined;
  }
}
