import test from 'ava';
import { parseRequestInfo, type ResourceRequest } from './request-info.ts';

// [name, method, path, query, what the request info must hold]
const cases: Array<[string, string, string, string, Partial<ResourceRequest>]> = [
  ['namespaced list', 'GET', '/api/v1/namespaces/ns1/pods', '', { verb: 'list', namespace: 'ns1', inNamespace: true, resource: 'pods', name: '' }],
  ['namespaced get with subresource', 'GET', '/api/v1/namespaces/ns1/pods/p/log', '', { verb: 'get', namespace: 'ns1', resource: 'pods', name: 'p', subresource: 'log' }],
  ['the Namespace itself', 'GET', '/api/v1/namespaces/ns1', '', { verb: 'get', namespace: 'ns1', inNamespace: false, resource: 'namespaces', name: 'ns1' }],
  ['a Namespace status', 'PUT', '/api/v1/namespaces/ns1/status', '', { verb: 'update', inNamespace: false, resource: 'namespaces', name: 'ns1', subresource: 'status' }],
  ['a Namespace finalize', 'PUT', '/api/v1/namespaces/ns1/finalize', '', { verb: 'update', resource: 'namespaces', subresource: 'finalize' }],
  ['a cluster-scoped resource under a namespace', 'GET', '/api/v1/namespaces/ns1/nodes', '', { namespace: 'ns1', inNamespace: true, resource: 'nodes' }],
  ['a group resource', 'DELETE', '/apis/apps/v1/namespaces/ns1/deployments', '', { verb: 'deletecollection', group: 'apps', version: 'v1', resource: 'deployments' }],
  ['watch by query', 'GET', '/api/v1/pods', 'watch=true', { verb: 'watch', namespace: '', inNamespace: false, resource: 'pods' }],
  ['legacy watch prefix', 'GET', '/api/v1/watch/namespaces/ns1/pods/p', '', { verb: 'watch', namespace: 'ns1', name: 'p' }],
];

for (const [name, method, path, query, want] of cases) {
  test(name, (t) => {
    const info = parseRequestInfo(method, path, new URLSearchParams(query));
    t.true(info.isResourceRequest);
    t.like(info, want);
  });
}

test('paths outside a resource are non-resource requests', (t) => {
  for (const p of ['/healthz', '/api', '/api/v1', '/apis/apps', '/apis/apps/v1']) {
    t.false(parseRequestInfo('GET', p, new URLSearchParams()).isResourceRequest, p);
  }
});
