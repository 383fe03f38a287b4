// Hand-built schema fragments of Pod and Deployment for the patch tests, with the patch
// strategies, merge keys and list types the real OpenAPI documents carry.

import { schemaFromSpec } from './schema.ts';
import type { PatchSchema, SchemaSpec } from './schema.ts';

const scalar: SchemaSpec = {};
const stringMap: SchemaSpec = { values: scalar };
const atomicList: SchemaSpec = { listType: 'atomic', items: scalar };

const objectMeta: SchemaSpec = {
  fields: {
    name: scalar,
    namespace: scalar,
    uid: scalar,
    resourceVersion: scalar,
    generation: scalar,
    creationTimestamp: scalar,
    labels: stringMap,
    annotations: stringMap,
    finalizers: { patchStrategy: 'merge', listType: 'set', items: scalar },
    ownerReferences: {
      patchStrategy: 'merge',
      patchMergeKey: 'uid',
      listType: 'map',
      listMapKeys: ['uid'],
      items: { fields: { apiVersion: scalar, kind: scalar, name: scalar, uid: scalar, controller: scalar } },
    },
    managedFields: { listType: 'atomic', items: { fields: {} } },
  },
};

const container: SchemaSpec = {
  fields: {
    name: scalar,
    image: scalar,
    imagePullPolicy: scalar,
    command: atomicList,
    args: atomicList,
    ports: {
      patchStrategy: 'merge',
      patchMergeKey: 'containerPort',
      listType: 'map',
      listMapKeys: ['containerPort', 'protocol'],
      items: { fields: { name: scalar, containerPort: scalar, protocol: scalar, hostPort: scalar } },
    },
    env: {
      patchStrategy: 'merge',
      patchMergeKey: 'name',
      listType: 'map',
      listMapKeys: ['name'],
      items: {
        fields: {
          name: scalar,
          value: scalar,
          valueFrom: { fields: { fieldRef: { atomic: true, fields: { fieldPath: scalar } } } },
        },
      },
    },
    resources: { fields: { limits: stringMap, requests: stringMap } },
    volumeMounts: {
      patchStrategy: 'merge',
      patchMergeKey: 'mountPath',
      listType: 'map',
      listMapKeys: ['mountPath'],
      items: { fields: { name: scalar, mountPath: scalar, readOnly: scalar } },
    },
  },
};

const containers = (): SchemaSpec => ({
  patchStrategy: 'merge',
  patchMergeKey: 'name',
  listType: 'map',
  listMapKeys: ['name'],
  items: container,
});

const podSpec: SchemaSpec = {
  fields: {
    containers: containers(),
    initContainers: containers(),
    volumes: {
      patchStrategy: 'merge,retainKeys',
      patchMergeKey: 'name',
      listType: 'map',
      listMapKeys: ['name'],
      items: {
        fields: {
          name: scalar,
          emptyDir: { fields: { medium: scalar, sizeLimit: scalar } },
          configMap: { fields: { name: scalar, defaultMode: scalar } },
          secret: { fields: { secretName: scalar } },
        },
      },
    },
    tolerations: {
      listType: 'atomic',
      items: { fields: { key: scalar, operator: scalar, value: scalar, effect: scalar } },
    },
    nodeSelector: stringMap,
    restartPolicy: scalar,
    serviceAccountName: scalar,
    terminationGracePeriodSeconds: scalar,
  },
};

const podTemplate: SchemaSpec = { fields: { metadata: objectMeta, spec: podSpec } };

const labelSelector: SchemaSpec = {
  atomic: true,
  fields: { matchLabels: stringMap, matchExpressions: { listType: 'atomic', items: { fields: {} } } },
};

export const podSpecSchema: SchemaSpec = {
  fields: { apiVersion: scalar, kind: scalar, metadata: objectMeta, spec: podSpec, status: { fields: { phase: scalar } } },
};

export const deploymentSpecSchema: SchemaSpec = {
  fields: {
    apiVersion: scalar,
    kind: scalar,
    metadata: objectMeta,
    spec: {
      fields: {
        replicas: scalar,
        paused: scalar,
        selector: labelSelector,
        template: podTemplate,
        strategy: {
          patchStrategy: 'retainKeys',
          fields: { type: scalar, rollingUpdate: { fields: { maxSurge: scalar, maxUnavailable: scalar } } },
        },
        minReadySeconds: scalar,
      },
    },
    status: { fields: { replicas: scalar, readyReplicas: scalar } },
  },
};

export const podSchema: PatchSchema = schemaFromSpec(podSpecSchema);
export const deploymentSchema: PatchSchema = schemaFromSpec(deploymentSpecSchema);
