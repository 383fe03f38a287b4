// Tests that need an outside tool (etcd, containerd, kubectl) ask here whether to run.
// Missing tool: skip with a one-line reason, unless KUBETS_REQUIRE names it (CI), then fail.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function required(): Set<string> {
  return new Set(
    (process.env.KUBETS_REQUIRE ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/** Finds an executable on PATH (or an absolute path that exists). */
export function which(bin: string): string | undefined {
  if (bin.startsWith('/')) return existsSync(bin) ? bin : undefined;
  try {
    const out = execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}

export interface ToolCheck {
  /** The path to use, when present. */
  path?: string;
  /** Why the test is skipped, when absent and not required. */
  skipReason?: string;
}

/**
 * tool: the name KUBETS_REQUIRE uses (e.g. 'etcd'); bin: what to look for.
 * Throws when the tool is required but missing, so the suite fails loudly in CI.
 */
export function checkTool(tool: string, bin: string = tool): ToolCheck {
  const path = which(bin);
  if (path) return { path };
  if (required().has(tool)) {
    throw new Error(`${tool} is required (KUBETS_REQUIRE=${process.env.KUBETS_REQUIRE}) but ${bin} was not found`);
  }
  return { skipReason: `${bin} not found; install it or set KUBETS_REQUIRE=${tool} to make this a failure` };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}
