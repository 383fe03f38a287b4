import test from 'ava';
import * as clientNode from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { snapshotStore } from './snapshot.ts';
import { exportedModels, loadApis, loadModels, parseAttributeTypeMap, scanApis, scanModels, setSnapshotStore } from './source.ts';

test('attribute maps read as text equal the ones client-node builds at runtime, for every model class', (t) => {
  type ModelLike = { attributeTypeMap?: { baseName: string; type: string; format: string }[] };
  const exported = clientNode as unknown as Record<string, unknown>;
  const runtime = Object.entries(exported).filter(
    (e): e is [string, ModelLike] => typeof e[1] === 'function' && Array.isArray((e[1] as ModelLike).attributeTypeMap),
  );
  const models = scanModels();
  let compared = 0;
  for (const [name, cls] of runtime) {
    const m = models.get(name);
    t.truthy(m, `${name} is missing from the models read as text`);
    if (!m) continue;
    compared++;
    const want = cls!.attributeTypeMap!.map((a) => [a.baseName, a.type, a.format]);
    t.deepEqual(
      m.attributes.map((a) => [a.name, a.type, a.format]),
      want,
      name,
    );
  }
  t.is(compared, models.size, 'every model read from text is a runtime model class');
  t.true(compared > 700, `compared ${compared}`);
});

test('parseAttributeTypeMap finds the JSON literal, and nothing in a file without one', (t) => {
  const js = 'export class V1X {}\nV1X.mapping = undefined;\nV1X.attributeTypeMap = [\n    {\n        "name": "_continue",\n        "baseName": "continue",\n        "type": "string",\n        "format": ""\n    }\n];\n';
  t.deepEqual(parseAttributeTypeMap(js), [{ name: '_continue', baseName: 'continue', type: 'string', format: '' }]);
  t.is(parseAttributeTypeMap('export class X {}'), undefined);
});

test('exportedModels lists the re-exports of models/all.js', (t) => {
  t.deepEqual([...exportedModels("export * from '../models/V1Pod.js';\nexport * from '../models/V1PodSpec.js';\n// x\n")], ['V1Pod', 'V1PodSpec']);
});

test.serial('loadModels and loadApis come from a snapshot equal to a fresh scan', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubets-openapi-'));
  t.teardown(() => {
    setSnapshotStore(undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  let started = performance.now();
  const models = scanModels();
  const apis = scanApis();
  const scan = performance.now() - started;
  const store = snapshotStore(dir, 'test');
  store.write('models', [...models.values()]);
  store.write('apis', apis.map((a) => ({ ...a, returns: [...a.returns] })));
  setSnapshotStore(store);
  started = performance.now();
  const stored = store.read<unknown[]>('models');
  const read = performance.now() - started;
  t.is(stored?.length, models.size);
  t.log(`client-node models: scan ${scan.toFixed(0)} ms, snapshot read ${read.toFixed(0)} ms`);
  // loadModels may already hold the package-wide snapshot in this process; both must equal the scan.
  t.deepEqual(JSON.parse(JSON.stringify([...loadModels().values()])), JSON.parse(JSON.stringify([...models.values()])));
  t.deepEqual(loadApis(), apis);
});
