import test from 'ava';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.ts';
import type { Client } from '../../client/types.ts';
import { claimPath } from './persistent-volumes.ts';

function clientWith(objects: Record<string, KubeObject>): Client {
  const get = async (r: { plural: string }, ns: string, name: string) => {
    const o = objects[`${r.plural}/${ns}/${name}`];
    if (!o) throw Object.assign(new Error('not found'), { code: 404 });
    return o;
  };
  return { get } as unknown as Client;
}

const bound = { spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } };

test('a bound claim resolves to its volume\'s hostPath, created for DirectoryOrCreate', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubets-pv-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'pvc-1_a_data');
  const client = clientWith({ 'persistentvolumeclaims/a/data': bound, 'persistentvolumes//pv1': { spec: { hostPath: { path, type: 'DirectoryOrCreate' } } } });
  t.is(await claimPath(client, 'a', 'data'), path);
  t.true(existsSync(path));
});

const errors: Array<{ name: string; objects: Record<string, KubeObject>; message: RegExp }> = [
  { name: 'a missing claim', objects: {}, message: /^persistentvolumeclaim "data" not found$/ },
  { name: 'an unbound claim', objects: { 'persistentvolumeclaims/a/data': { spec: {}, status: { phase: 'Pending' } } }, message: /PVC a\/data has non-bound phase \("Pending"\)/ },
  { name: 'a missing volume', objects: { 'persistentvolumeclaims/a/data': bound }, message: /^persistentvolume "pv1" not found$/ },
  { name: 'a local path that is not there', objects: { 'persistentvolumeclaims/a/data': bound, 'persistentvolumes//pv1': { spec: { local: { path: '/nonexistent/kubets' } } } }, message: /does not exist/ },
];
for (const c of errors) {
  test(`FailedMount: ${c.name}`, async (t) => {
    await t.throwsAsync(claimPath(clientWith(c.objects), 'a', 'data'), { message: c.message });
  });
}
