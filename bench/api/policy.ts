// bench/api, ValidatingAdmissionPolicy variant: POSTs of ConfigMaps into a namespace a policy's
// binding selects (a matchCondition, a variable and two validations evaluated in CEL for each
// create, all passing) beside the same POSTs into a namespace the binding leaves out,
// interleaved in the same run.

import { expect, type Target } from './http.ts';
import type { Load } from './load.ts';
import { configMap } from './reference.ts';
import { comparePosts } from './compare-posts.ts';

const GROUP = '/apis/admissionregistration.k8s.io/v1';

export interface PolicyEnv {
  url: string;
  load: Load;
  setup: Target;
}

export async function benchPolicy(env: PolicyEnv, ops: number): Promise<void> {
  for (const [ns, labels] of [['policed', { bench: 'policy' }], ['unpoliced', {}]] as const) {
    await expect(env.setup, 201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } }));
  }
  await expect(env.setup, 201, 'POST', `${GROUP}/validatingadmissionpolicies`, JSON.stringify({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'bench' },
    spec: {
      matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] },
      matchConditions: [{ name: 'not-system', expression: "!request.userInfo.username.startsWith('system:node:')" }],
      variables: [{ name: 'keys', expression: 'has(object.data) ? object.data.size() : 0' }],
      validations: [
        { expression: 'variables.keys <= 100', message: 'too many keys' },
        { expression: "object.metadata.name.matches('^[a-z0-9-]+$')", messageExpression: "'bad name ' + object.metadata.name" },
      ],
    },
  }));
  await expect(env.setup, 201, 'POST', `${GROUP}/validatingadmissionpolicybindings`, JSON.stringify({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'bench' },
    spec: { policyName: 'bench', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { bench: 'policy' } } } },
  }));
  // The binding must have reached the watch cache before timing starts: a refused probe says so.
  let applied = false;
  for (let i = 0; !applied && i < 100; i++) {
    const r = await env.load.run({ kind: 'requests', url: env.url, method: 'POST', path: '/api/v1/namespaces/policed/configmaps', body: JSON.stringify({ ...configMap('policed', `probe-${i}`), data: Object.fromEntries(Array.from({ length: 101 }, (_, k) => [`k${k}`, 'v'])) }), want: 422, ops: 1, concurrency: 1 }).catch(() => undefined);
    applied = !!r;
    if (!applied) await new Promise((r) => setTimeout(r, 50));
  }
  if (!applied) throw new Error('the policy never refused the probe');
  await comparePosts(env, ops, [
    { what: 'POST, no binding selects the namespace', ns: 'unpoliced' },
    { what: 'POST through a ValidatingAdmissionPolicy (CEL)', ns: 'policed' },
  ], (rounds) => `bench/api: ValidatingAdmissionPolicy cost at 64 keep-alive connections (best of ${rounds} interleaved rounds; POST durable sqlite)`);
}
