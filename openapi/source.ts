// Reads the type models of the pinned @kubernetes/client-node: the attribute maps of its
// generated model classes, the doc comments and optional markers of their .d.ts files, and
// the REST paths of its generated API classes (to learn each kind's group). Everything here
// is raw material; names.ts and definitions.ts give it upstream shape.
//
// The files are read as text, never imported: evaluating client-node (all its API classes
// and dependencies) costs seconds, while its generated attribute maps are plain JSON
// literals (`V1Pod.attributeTypeMap = [ {...}, ... ];`).

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NO_SNAPSHOTS, snapshotStore, type SnapshotStore } from './snapshot.ts';

export interface Attribute {
  /** The JSON field name. */
  name: string;
  /** client-node's type string: 'string', 'number', 'Array<V1Foo>', '{ [key: string]: string; }', 'V1Foo', 'any', 'Date', 'IntOrString'. */
  type: string;
  /** '', 'int32', 'int64', 'double', 'byte', 'date-time', 'date-time-micro', 'int-or-string'. */
  format: string;
  description?: string;
  required: boolean;
}

export interface ModelClass {
  /** The class name in client-node, e.g. V1Pod, AppsV1... , CoreV1Event. */
  className: string;
  description?: string;
  attributes: Attribute[];
}

export interface AttributeTypeMapEntry {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface PackageInfo {
  /** dist/gen of the package: generated models and API classes. */
  gen: string;
  version: string;
  /** node_modules/.cache/kubets-openapi */
  cache: string;
}

let pkgInfo: PackageInfo | undefined;

function clientNodePackage(): PackageInfo {
  if (pkgInfo) return pkgInfo;
  const req = createRequire(import.meta.url);
  // The package's main entry is dist/index.js; the generated code sits in dist/gen.
  const dist = dirname(req.resolve('@kubernetes/client-node'));
  const root = dirname(dist);
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  pkgInfo = { gen: join(dist, 'gen'), version, cache: join(root, '..', '..', '.cache', 'kubets-openapi') };
  return pkgInfo;
}

let store: SnapshotStore | undefined;

/** Where loadModels/loadApis keep their snapshot; tests point it elsewhere. */
export function setSnapshotStore(s: SnapshotStore | undefined): void {
  store = s;
}

function snapshots(): SnapshotStore {
  if (!store) {
    const pkg = clientNodePackage();
    try {
      // This file is the extraction: any change to it must not reuse an older snapshot.
      const code = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 16);
      store = snapshotStore(pkg.cache, `${pkg.version}-${code}`);
    } catch {
      store = NO_SNAPSHOTS;
    }
  }
  return store;
}

interface DtsInfo {
  description?: string;
  props: Map<string, { description?: string; required: boolean }>;
}

const PROP_LINE = /^\s{4}'([^']+)'(\?)?:/;

function unescapeDoc(s: string): string {
  return s.replace(/\\(['"\\])/g, '$1').trim();
}

/** Parses one generated .d.ts: the class comment and, per property, its comment and optionality. */
export function parseDts(text: string): DtsInfo {
  const info: DtsInfo = { props: new Map() };
  let pending: string[] | undefined;
  let inComment = false;
  let buf: string[] = [];
  let seenClass = false;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('/**')) {
      inComment = true;
      buf = [];
      continue;
    }
    if (inComment) {
      if (t === '*/') {
        inComment = false;
        pending = buf;
      } else buf.push(t.replace(/^\* ?/, ''));
      continue;
    }
    if (t.startsWith('export declare class')) {
      seenClass = true;
      if (pending && pending.join(' ').trim()) info.description = unescapeDoc(pending.join('\n'));
      pending = undefined;
      continue;
    }
    const m = seenClass ? PROP_LINE.exec(line) : null;
    if (m) {
      const d = pending ? unescapeDoc(pending.join('\n')) : '';
      info.props.set(m[1], { description: d || undefined, required: m[2] !== '?' });
      pending = undefined;
    } else if (t && !t.startsWith('*') && !t.startsWith('[key') && t !== '};') {
      pending = undefined;
    }
  }
  return info;
}

const ATTRIBUTE_MAP = /\.attributeTypeMap = (\[[\s\S]*?\n\]);/;

/** The attribute map a generated model .js assigns, or undefined if it has none. */
export function parseAttributeTypeMap(js: string): AttributeTypeMapEntry[] | undefined {
  const m = ATTRIBUTE_MAP.exec(js);
  if (!m) return undefined;
  const parsed = JSON.parse(m[1]) as unknown;
  return Array.isArray(parsed) ? (parsed as AttributeTypeMapEntry[]) : undefined;
}

/** The model classes the package exports (models/all.js); the folder also holds stale ones. */
export function exportedModels(allJs: string): Set<string> {
  return new Set([...allJs.matchAll(/^export \* from '\.\.\/models\/(\w+)\.js';$/gm)].map((m) => m[1]));
}

let modelsCache: Map<string, ModelClass> | undefined;

/** Every generated model class with an attribute map, keyed by class name (snapshotted). */
export function loadModels(): Map<string, ModelClass> {
  if (modelsCache) return modelsCache;
  let list = snapshots().read<ModelClass[]>('models');
  if (!list) {
    list = [...scanModels().values()];
    snapshots().write('models', list);
  }
  modelsCache = new Map(list.map((m) => [m.className, m]));
  return modelsCache;
}

/** Reads every exported model class out of the package's files. */
export function scanModels(): Map<string, ModelClass> {
  const dir = join(clientNodePackage().gen, 'models');
  const out = new Map<string, ModelClass>();
  const exported = exportedModels(readFileSync(join(dir, 'all.js'), 'utf8'));
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.d.ts')) continue;
    const className = file.slice(0, -'.d.ts'.length);
    if (!exported.has(className)) continue;
    const attributeTypeMap = parseAttributeTypeMap(readFileSync(join(dir, `${className}.js`), 'utf8'));
    if (!attributeTypeMap) continue;
    const dts = parseDts(readFileSync(join(dir, file), 'utf8'));
    const attributes: Attribute[] = attributeTypeMap.map((a) => {
      // The .d.ts names properties by their TS name (e.g. _continue), not the JSON name.
      const p = dts.props.get(a.name) ?? dts.props.get(a.baseName);
      return {
        name: a.baseName,
        type: a.type,
        format: a.format,
        description: p?.description,
        required: p?.required ?? false,
      };
    });
    out.set(className, { className, description: dts.description, attributes });
  }
  return out;
}

export interface ApiGroupTypes {
  group: string;
  version: string;
  /** Model class names the API's operations return. */
  returns: Set<string>;
}

let apisCache: ApiGroupTypes[] | undefined;

/** For each generated API class (CoreV1Api, AppsV1Api, ...): its group/version and returned models (snapshotted). */
export function loadApis(): ApiGroupTypes[] {
  if (apisCache) return apisCache;
  type Stored = Omit<ApiGroupTypes, 'returns'> & { returns: string[] };
  let list = snapshots().read<Stored[]>('apis');
  if (!list) {
    list = scanApis().map((a) => ({ ...a, returns: [...a.returns] }));
    snapshots().write('apis', list);
  }
  apisCache = list.map((a) => ({ ...a, returns: new Set(a.returns) }));
  return apisCache;
}

/** Reads the group/version and returned models of every API class out of the package's files. */
export function scanApis(): ApiGroupTypes[] {
  const dir = join(clientNodePackage().gen, 'apis');
  const out: ApiGroupTypes[] = [];
  for (const file of readdirSync(dir)) {
    if (!/V\d+(alpha\d+|beta\d+)?Api\.js$/.test(file)) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    const path = /localVarPath = '\/(?:api\/(v\d\w*)|apis\/([^/']+)\/(v\d\w*))/.exec(text);
    if (!path) continue;
    const group = path[1] ? '' : path[2];
    const version = path[1] ?? path[3];
    const returns = new Set<string>();
    for (const m of text.matchAll(/ObjectSerializer\.deserialize\([^;]*?, "([A-Za-z0-9]+)", ""\)/g)) {
      returns.add(m[1]);
    }
    out.push({ group, version, returns });
  }
  return out;
}
