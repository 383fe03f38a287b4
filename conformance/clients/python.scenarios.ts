// The Python client's pytest suite (python/test_kubets.py), run against the suite's kubets
// with /usr/bin/python3 (Debian python3-kubernetes and python3-pytest).

import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTool, required } from '../../testing/tools.ts';
import type { ClientTest, Store } from './suite.ts';

const HERE = join(dirname(fileURLToPath(import.meta.url)), 'python');

/** Why the Python tests cannot run here (undefined: they can); throws when required. */
function pythonSkipReason(): string | undefined {
  const py = checkTool('python', '/usr/bin/python3');
  if (py.skipReason) return py.skipReason;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import kubernetes, pytest'], { stdio: 'pipe' });
    return undefined;
  } catch {
    const why = 'python3-kubernetes or python3-pytest is not installed';
    if (required().has('python')) throw new Error(`python is required (KUBETS_REQUIRE) but ${why}`);
    return why;
  }
}

function pytest(kubeconfig: string, prefix: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', HERE], {
      env: { ...process.env, KUBECONFIG: kubeconfig, PREFIX: prefix, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

export function pythonTests(store: Store): ClientTest[] {
  const title = 'Python client: typed CoreV1Api/AppsV1Api CRUD, create_from_yaml, DynamicClient with server-side apply, watch';
  const skip = pythonSkipReason();
  if (skip) return [{ title: `${title} (skipped: ${skip})`, skip: true, run: async () => {} }];
  return [
    {
      title,
      run: async (t, kubets) => {
        const r = await pytest(kubets.kubeconfig, `py-${store}`);
        t.log(r.output.trim().split('\n').slice(-1)[0]);
        t.is(r.code, 0, r.output);
      },
    },
  ];
}
