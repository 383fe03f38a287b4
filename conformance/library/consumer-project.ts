// A fresh project that depends on the packed kubets tarball, installed by `npm ci --offline`:
// no registry, no network. Its package-lock.json pins every package at the version, tarball URL
// and integrity this repository's own lock has, so npm takes them from the cache that this
// checkout's `npm ci` filled (a lock needs tarballs only; a version range would need registry
// metadata the cache may lack). Only better-sqlite3's native binary is copied from this
// checkout: building it offline would take minutes (install scripts are off).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [field: string]: unknown;
}

export interface PackageLock {
  name: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** Where `name` required from the package at `from` (a lock key; '' is the root) is installed, as Node resolves it. */
export function resolveInLock(lock: PackageLock, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[key]) return key;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

/** Every lock key the given root dependencies need, transitively (optional ones when present). */
export function lockClosure(lock: PackageLock, rootDeps: string[]): Set<string> {
  const out = new Set<string>();
  const visit = (from: string, name: string, optional: boolean) => {
    const key = resolveInLock(lock, from, name);
    if (!key) {
      if (optional) return;
      throw new Error(`${name} (needed by ${from || 'the root'}) is not in the lock`);
    }
    if (out.has(key)) return;
    out.add(key);
    const e = lock.packages[key]!;
    for (const d of Object.keys(e.dependencies ?? {})) visit(key, d, false);
    for (const d of Object.keys(e.optionalDependencies ?? {})) visit(key, d, true);
    for (const d of Object.keys(e.peerDependencies ?? {})) visit(key, d, true);
  };
  for (const d of rootDeps) visit('', d, false);
  return out;
}

/**
 * The entry with its tarball URL: a lock written with omit-lockfile-registry-resolved has none,
 * and without it npm asks the registry's metadata (which the cache may not hold) where it is.
 */
export function withResolved(key: string, e: LockEntry, registry: string): LockEntry {
  if (e.resolved || !e.version || e.link) return e;
  const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
  return { ...e, resolved: `${registry}${name}/-/${name.split('/').pop()}-${e.version}.tgz` };
}

export interface ConsumerOptions {
  /** The repository: its package.json, package-lock.json and node_modules. */
  repo: string;
  /** The packed kubets tarball. */
  tarball: string;
  /** The new project's folder (must exist; the tarball is referenced relative to it). */
  dir: string;
  /** Dependencies besides kubets, at the ranges the repository's package.json gives them. */
  dependencies: string[];
  devDependencies: string[];
  /** More package.json fields (ava's configuration, scripts). */
  extra?: Record<string, unknown>;
}

export async function createConsumerProject(o: ConsumerOptions): Promise<void> {
  const repoPkg = JSON.parse(await readFile(join(o.repo, 'package.json'), 'utf8')) as {
    version: string;
    license?: string;
    engines?: Record<string, string>;
    bin?: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const repoLock = JSON.parse(await readFile(join(o.repo, 'package-lock.json'), 'utf8')) as PackageLock;
  const range = (name: string) => repoPkg.dependencies[name] ?? repoPkg.devDependencies[name] ?? '*';
  const tarballRef = `file:${basename(o.tarball)}`;
  const integrity = `sha512-${createHash('sha512').update(await readFile(o.tarball)).digest('base64')}`;
  const dependencies = Object.fromEntries([['kubets', tarballRef], ...o.dependencies.map((d) => [d, range(d)])]);
  const devDependencies = Object.fromEntries(o.devDependencies.map((d) => [d, range(d)]));
  const pkg = { name: 'kubets-consumer', version: '1.0.0', private: true, type: 'module', dependencies, devDependencies, ...o.extra };

  const packages: Record<string, LockEntry> = {
    '': { name: pkg.name, version: pkg.version, dependencies, devDependencies },
    'node_modules/kubets': {
      version: repoPkg.version,
      resolved: tarballRef,
      integrity,
      license: repoPkg.license,
      dependencies: repoPkg.dependencies,
      bin: repoPkg.bin,
      engines: repoPkg.engines,
    },
  };
  const needed = lockClosure(repoLock, [...Object.keys(repoPkg.dependencies), ...o.dependencies, ...o.devDependencies]);
  const registry = (await run('npm', ['config', 'get', 'registry'])).stdout.trim().replace(/\/?$/, '/');
  for (const key of [...needed].sort()) packages[key] = withResolved(key, repoLock.packages[key]!, registry);
  const lock: PackageLock = { name: pkg.name, lockfileVersion: 3, requires: true, packages };

  await writeFile(join(o.dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  await writeFile(join(o.dir, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
  await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: o.dir,
    // The consumer's own npm settings, not this repository's (.npmrc) or a parent project's.
    env: { ...process.env, npm_config_prefix: undefined, npm_config_userconfig: undefined } as NodeJS.ProcessEnv,
    maxBuffer: 16 * 1024 * 1024,
  });
  const binary = join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  await mkdir(join(o.dir, 'node_modules', 'better-sqlite3', 'build', 'Release'), { recursive: true });
  await copyFile(join(o.repo, 'node_modules', binary), join(o.dir, 'node_modules', binary));
}
