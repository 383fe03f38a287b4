// A small extension apiserver for the aggregation suite: HTTPS on loopback with a CA of its
// own (the APIService's caBundle), trusting only client certificates of the front-proxy CA
// kubets publishes in kube-system/extension-apiserver-authentication, and taking the user from
// X-Remote-User/X-Remote-Group as real extension apiservers do. It serves Flunders
// (wardle.example.com/v1alpha1, namespaced) from memory, with discovery and OpenAPI v2/v3.

import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { generateCa, generateLeaf } from '../../server/pki/certs.ts';

export const WARDLE = { group: 'wardle.example.com', version: 'v1alpha1' };
const GV = `${WARDLE.group}/${WARDLE.version}`;

export interface SeenRequest {
  method: string;
  path: string;
  user?: string;
  groups: string[];
  clientCN?: string;
}

export interface ExtensionServer {
  port: number;
  caBundle: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

type Obj = { apiVersion?: string; kind?: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

const flunderSchema = {
  type: 'object',
  description: 'A Flunder is a test object of the wardle extension apiserver.',
  properties: {
    apiVersion: { type: 'string', description: 'APIVersion of the object.' },
    kind: { type: 'string', description: 'Kind of the object.' },
    metadata: { type: 'object', description: 'Standard object metadata.' },
    spec: { type: 'object', description: "The flunder's wished state.", properties: { reference: { type: 'string', description: 'The name of another flunder this one refers to.' } } },
  },
  'x-kubernetes-group-version-kind': [{ group: WARDLE.group, version: WARDLE.version, kind: 'Flunder' }],
};

const resourceList = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: GV,
  resources: [{ name: 'flunders', singularName: 'flunder', namespaced: true, kind: 'Flunder', verbs: ['create', 'delete', 'get', 'list'], shortNames: ['fl'] }],
};

// As k8s.io/apiserver writes it: the object path's get names its kind and returns its schema
// (kubectl explain finds a resource's schema through it).
const getFlunder = (ref: string, content: boolean) => ({
  get: {
    operationId: 'readWardleV1alpha1NamespacedFlunder',
    'x-kubernetes-action': 'get',
    'x-kubernetes-group-version-kind': { group: WARDLE.group, version: WARDLE.version, kind: 'Flunder' },
    responses: { '200': content ? { description: 'OK', content: { 'application/json': { schema: { $ref: ref } } } } : { description: 'OK', schema: { $ref: ref } } },
  },
  // kubectl looks for the fieldValidation parameter on the kind's patch to know the server
  // validates fields itself (otherwise it validates with the protobuf OpenAPI v2).
  patch: {
    operationId: 'patchWardleV1alpha1NamespacedFlunder',
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group: WARDLE.group, version: WARDLE.version, kind: 'Flunder' },
    parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string' } }],
    responses: { '200': { description: 'OK' } },
  },
});

const openapiV2 = {
  swagger: '2.0',
  info: { title: 'wardle', version: 'v0.1' },
  paths: { [`/apis/${GV}/namespaces/{namespace}/flunders/{name}`]: getFlunder('#/definitions/com.example.wardle.v1alpha1.Flunder', false) },
  definitions: { 'com.example.wardle.v1alpha1.Flunder': flunderSchema },
};

const openapiV3 = {
  openapi: '3.0.0',
  info: { title: 'wardle', version: 'v0.1' },
  paths: { [`/apis/${GV}/namespaces/{namespace}/flunders/{name}`]: getFlunder('#/components/schemas/com.example.wardle.v1alpha1.Flunder', true) },
  components: { schemas: { 'com.example.wardle.v1alpha1.Flunder': flunderSchema } },
};

export async function startExtensionServer(frontProxyCa: string): Promise<ExtensionServer> {
  const ca = await generateCa('wardle-ca');
  const leaf = await generateLeaf(ca, { commonName: 'api.wardle.svc', sans: ['api.wardle.svc', '127.0.0.1'], usage: 'server' });
  const store = new Map<string, Obj>();
  const seen: SeenRequest[] = [];
  const server = https.createServer({ cert: leaf.cert, key: leaf.key, ca: frontProxyCa, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const groups = ([] as string[]).concat(req.headers['x-remote-group'] ?? []).flatMap((g) => g.split(',').map((x) => x.trim()));
    seen.push({ method: req.method ?? '', path: url.pathname, user: req.headers['x-remote-user'] as string | undefined, groups, clientCN: peer?.subject?.CN as string | undefined });
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const p = url.pathname;
      if (p === `/apis/${GV}`) return send(200, resourceList);
      if (p === '/openapi/v2') return send(200, openapiV2);
      if (p === '/openapi/v3') return send(200, { paths: { [`apis/${GV}`]: { serverRelativeURL: `/openapi/v3/apis/${GV}?hash=1` } } });
      if (p === `/openapi/v3/apis/${GV}`) return send(200, openapiV3);
      if (p === `/apis/${GV}/flunders`) return send(200, { apiVersion: GV, kind: 'FlunderList', metadata: { resourceVersion: '1' }, items: [...store.values()] });
      const m = new RegExp(`^/apis/${GV.replace(/\./g, '\\.')}/namespaces/([^/]+)/flunders(?:/([^/]+))?$`).exec(p);
      if (!m) return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
      const [, ns, name] = m;
      if (req.method === 'POST') {
        const o = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Obj;
        o.metadata = { ...o.metadata, namespace: ns, uid: `uid-${o.metadata.name}`, creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), resourceVersion: '1' };
        store.set(`${ns}/${o.metadata.name}`, o);
        return send(201, o);
      }
      if (name) {
        const o = store.get(`${ns}/${name}`);
        return o ? send(200, o) : send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `flunders.${WARDLE.group} "${name}" not found`, details: { name, group: WARDLE.group, kind: 'flunders' } });
      }
      const items = [...store.values()].filter((o) => o.metadata.namespace === ns);
      return send(200, { apiVersion: GV, kind: 'FlunderList', metadata: { resourceVersion: '1' }, items });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    caBundle: Buffer.from(ca.cert).toString('base64'),
    seen,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
