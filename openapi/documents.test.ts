import test from 'ava';
import { closure, refName, type Definitions, type Schema } from './schema.ts';
import { testResources } from './testdata.ts';
import { buildOpenAPIV2, servedOpenAPIV2 } from './v2.ts';
import { buildOpenAPIV3GroupVersion, buildOpenAPIV3Index, groupVersionOfV3Path, servedOpenAPIV3GroupVersion } from './v3.ts';

/** Every $ref in a document, anywhere. */
function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => refs(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else refs(x, out);
    }
  }
  return out;
}

test('v2: swagger 2.0 with definitions, paths and GVK on operations', (t) => {
  const doc = buildOpenAPIV2(testResources);
  t.is(doc.swagger, '2.0');
  t.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.34.0' });
  t.truthy(doc.definitions['io.k8s.api.core.v1.Pod']);
  t.truthy(doc.definitions['io.k8s.api.apps.v1.DeploymentList']);
  t.truthy(doc.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.Status']);
  t.falsy(doc.definitions['io.k8s.api.batch.v1.Job'], 'jobs are not served');
  const get = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].get as Record<string, unknown>;
  t.is(get.operationId, 'readAppsV1NamespacedDeployment');
  t.deepEqual(get['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
  t.truthy(doc.paths['/api/v1/nodes/{name}'], 'cluster-scoped path');
  for (const r of refs(doc)) t.truthy(doc.definitions[r.replace('#/definitions/', '')], r);
});

test('v2: the document is cached and has a stable hash', (t) => {
  const a = servedOpenAPIV2(testResources);
  const b = servedOpenAPIV2([...testResources].reverse());
  t.is(a, b);
  t.regex(a.hash, /^[0-9A-F]{128}$/);
  t.is(a.etag, `"${a.hash}"`);
  t.deepEqual(JSON.parse(a.json), a.document);
});

test('v3 index lists one entry per served group-version with its hash', (t) => {
  const idx = buildOpenAPIV3Index(testResources);
  t.deepEqual(Object.keys(idx.paths).sort(), ['api/v1', 'apis/apps/v1']);
  const apps = servedOpenAPIV3GroupVersion(testResources, 'apps/v1')!;
  t.is(idx.paths['apis/apps/v1'].serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${apps.hash}`);
  t.is(buildOpenAPIV3Index(testResources, '/x').paths['api/v1'].serverRelativeURL.startsWith('/x/api/v1?hash='), true);
  t.is(groupVersionOfV3Path('apis/apps/v1'), 'apps/v1');
  t.is(groupVersionOfV3Path('api/v1'), 'v1');
  t.is(groupVersionOfV3Path('apis/apps'), undefined);
});

test('v3 apps/v1 holds Deployment and every ref resolves within the document', (t) => {
  const doc = buildOpenAPIV3GroupVersion(testResources, 'apps/v1')!;
  t.is(doc.openapi, '3.0.0');
  const schemas = doc.components.schemas;
  const dep = schemas['io.k8s.api.apps.v1.Deployment'];
  t.deepEqual(dep['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  t.falsy(schemas['io.k8s.api.core.v1.Pod'], 'Pod is not reachable from apps/v1');
  t.truthy(schemas['io.k8s.api.core.v1.PodSpec'], 'PodSpec is, through the pod template');
  for (const r of refs(doc)) {
    t.true(r.startsWith('#/components/schemas/'), r);
    t.truthy(schemas[r.slice('#/components/schemas/'.length)], r);
  }
  const get = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].get as Record<string, unknown>;
  t.deepEqual(get['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
  t.is(buildOpenAPIV3GroupVersion(testResources, 'batch/v1'), undefined);
});

test('v3 wraps described refs in allOf and keeps extensions (what kubectl explain reads)', (t) => {
  const schemas = buildOpenAPIV3GroupVersion(testResources, 'v1')!.components.schemas;
  const containers = schemas['io.k8s.api.core.v1.PodSpec'].properties!.containers;
  t.is(containers.items?.$ref, '#/components/schemas/io.k8s.api.core.v1.Container');
  t.is(containers['x-kubernetes-patch-merge-key'], 'name');
  const spec = schemas['io.k8s.api.core.v1.Pod'].properties!.spec;
  t.deepEqual(spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }]);
  t.truthy(spec.description);
  const ios = schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'];
  t.is(ios.format, 'int-or-string');
  t.true(ios['x-kubernetes-int-or-string']);
  t.deepEqual(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf, [{ type: 'string' }, { type: 'number' }]);
  // The kind explain starts from reaches the field it is asked about.
  const reach = closure(schemas as Definitions, ['io.k8s.api.core.v1.Pod']);
  t.true(reach.has('io.k8s.api.core.v1.Container'));
  t.is(refName(containers.items as Schema), 'io.k8s.api.core.v1.Container');
});

type Op = { parameters?: { name: string; in: string }[]; 'x-kubernetes-action'?: string; 'x-kubernetes-group-version-kind'?: unknown };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** What kubectl's field-validation check does: the patch operation of the kind must declare the parameter. */
function patchDeclares(paths: Record<string, Record<string, unknown>>, gvk: object, param: string): boolean {
  const patches = Object.values(paths)
    .map((p) => p.patch as Op | undefined)
    .filter((op): op is Op => JSON.stringify(op?.['x-kubernetes-group-version-kind']) === JSON.stringify(gvk));
  return patches.length > 0 && patches.every((op) => (op.parameters ?? []).some((p) => p.name === param && p.in === 'query'));
}

for (const gv of ['v1', 'apps/v1']) {
  test(`v3 ${gv}: every operation has action and GVK; patch, create and update declare fieldValidation, dryRun, fieldManager`, (t) => {
    const doc = buildOpenAPIV3GroupVersion(testResources, gv)!;
    let ops = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      t.true((item.parameters as { name: string }[]).some((p) => p.name === 'pretty'), path);
      for (const m of METHODS.filter((m) => item[m])) {
        const op = item[m] as Op;
        ops++;
        t.truthy(op['x-kubernetes-action'], `${m} ${path}`);
        t.truthy(op['x-kubernetes-group-version-kind'], `${m} ${path}`);
        if (['post', 'put', 'patch'].includes(m)) {
          const names = (op.parameters ?? []).map((p) => p.name);
          for (const q of ['dryRun', 'fieldManager', 'fieldValidation']) t.true(names.includes(q), `${m} ${path} ${q}`);
          if (m === 'patch') t.true(names.includes('force'), path);
        }
      }
    }
    t.true(ops > 0);
    for (const r of testResources.filter((r) => (r.group ? `${r.group}/${r.version}` : r.version) === gv)) {
      t.true(patchDeclares(doc.paths, { group: r.group, kind: r.kind, version: r.version }, 'fieldValidation'), r.kind);
    }
  });
}

test('v3: list operations take the list and watch parameters; deletes take DeleteOptions', (t) => {
  const doc = buildOpenAPIV3GroupVersion(testResources, 'v1')!;
  const coll = doc.paths['/api/v1/namespaces/{namespace}/pods'];
  const list = coll.get as Op;
  t.is(list['x-kubernetes-action'], 'list');
  const names = (list.parameters ?? []).map((p) => p.name);
  for (const q of ['labelSelector', 'fieldSelector', 'limit', 'continue', 'watch', 'resourceVersion']) t.true(names.includes(q), q);
  const del = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'].delete as Op & { requestBody: unknown };
  t.true((del.parameters ?? []).some((p) => p.name === 'propagationPolicy'));
  t.deepEqual(del.requestBody, { content: { '*/*': { schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions' } } } });
});

test('v2: patch operations declare fieldValidation too', (t) => {
  const doc = buildOpenAPIV2(testResources);
  t.true(patchDeclares(doc.paths, { group: 'apps', kind: 'Deployment', version: 'v1' }, 'fieldValidation'));
  const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch as Op;
  t.deepEqual(patch.parameters?.[0], { name: 'body', in: 'body', required: true, schema: { type: 'object' } });
  for (const r of refs(doc)) t.truthy(doc.definitions[r.replace('#/definitions/', '')], r);
});
