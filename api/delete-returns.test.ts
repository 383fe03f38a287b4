import test from 'ava';
import { builtinResources } from './registry.ts';

// The kinds whose DELETE answers with the deleted object, not a Status, in upstream's OpenAPI
// (what the generated clients deserialize: client-node 1.4 and the Python client expect a
// V1StorageClass from delete_storage_class and fail on a Status, whose `status` is a string).
const UPSTREAM = [
  '/PersistentVolumeClaim', '/Pod', '/PodTemplate', '/ResourceQuota', '/Service', '/ServiceAccount', '/PersistentVolume',
  'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/StorageClass', 'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
];

test('DELETE returns the object for the kinds upstream returns it for', (t) => {
  for (const key of UPSTREAM) {
    const rt = builtinResources.find((r) => `${r.group}/${r.kind}` === key);
    t.truthy(rt, key);
    t.true(rt?.strategy?.returnDeletedObject === true, key);
  }
});
