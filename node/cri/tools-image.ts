// A second test image for pods that run real tools, as charts' hook Jobs and webhook servers
// do: the busybox image plus `openssl`, a static `kubectl` and `node`, each with the shared
// libraries `ldd` lists (the dynamic loader included) at the paths the host has them, and
// openssl's configuration file. No registry: the docker-archive is imported with `ctr`.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildBusyboxImage } from './image.ts';

const run = promisify(execFile);

export interface ToolsImageOptions {
  tag: string;
  /** kubectl (Go builds are static; a dynamic one gets its libraries too). */
  kubectl: string;
  /** Defaults to the running node. */
  node?: string;
  /** Defaults to `openssl` on PATH. */
  openssl?: string;
}

/** The shared objects a dynamically linked binary loads, loader first; none for a static one. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]).catch((e: { stdout?: string; stderr?: string }) => {
    // ldd exits 1 for a static binary ("not a dynamic executable").
    if (/not a dynamic executable|statically linked/.test(`${e.stdout}${e.stderr}`)) return { stdout: '' };
    throw e;
  });
  const libs: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs.sort((a, b) => Number(b.includes('ld-linux')) - Number(a.includes('ld-linux')));
}

/** Writes a docker-archive with busybox, openssl, kubectl and node to `out`; resolves to its config digest. */
export async function buildToolsImage(out: string, opts: ToolsImageOptions): Promise<string> {
  const openssl = opts.openssl ?? (await run('sh', ['-c', 'command -v openssl'])).stdout.trim();
  if (!openssl) throw new Error('openssl is not on PATH');
  const node = opts.node ?? process.execPath;
  const files = new Map<string, string>([[openssl, '/usr/bin/openssl'], [opts.kubectl, '/usr/bin/kubectl'], [node, '/usr/bin/node']]);
  for (const bin of [openssl, node, opts.kubectl]) for (const lib of await sharedLibraries(bin)) files.set(lib, lib);
  // OPENSSLDIR: "/usr/lib/ssl" — `openssl req` reads openssl.cnf from there.
  const dir = /OPENSSLDIR:\s*"([^"]+)"/.exec((await run(openssl, ['version', '-d'])).stdout)?.[1];
  if (dir && existsSync(join(dir, 'openssl.cnf'))) files.set(join(dir, 'openssl.cnf'), join(dir, 'openssl.cnf'));
  return buildBusyboxImage(out, { tags: [opts.tag], files });
}
