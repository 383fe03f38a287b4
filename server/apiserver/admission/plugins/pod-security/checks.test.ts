import test from 'ava';
import type { PodSpec } from '../../../../../api/core/pod/types.ts';
import { evaluatePod, forbiddenDetail, type Level } from './checks.ts';

const restrictedContainer = {
  name: 'c',
  image: 'busybox',
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
};
const detail = (level: Level, spec: PodSpec, annotations?: Record<string, string>) => forbiddenDetail(evaluatePod(level, { annotations }, spec));

test('a bare container violates restricted with upstream wording, in upstream order', (t) => {
  t.is(
    detail('restricted', { containers: [{ name: 'c', image: 'busybox' }] }),
    'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
      'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
      'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
      'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  );
  t.is(detail('baseline', { containers: [{ name: 'c', image: 'busybox' }] }), '');
  t.is(detail('privileged', { hostNetwork: true, containers: [{ name: 'c', securityContext: { privileged: true } }] }), '');
  t.is(detail('restricted', { containers: [restrictedContainer] }), '');
});

const baselineCases: [string, PodSpec, string, Record<string, string>?][] = [
  ['host namespaces', { hostNetwork: true, hostPID: true, containers: [] }, 'host namespaces (hostNetwork=true, hostPID=true)'],
  ['privileged', { containers: [{ name: 'a', securityContext: { privileged: true } }, { name: 'b', securityContext: { privileged: true } }] }, 'privileged (containers "a", "b" must not set securityContext.privileged=true)'],
  ['capabilities', { containers: [{ name: 'a', securityContext: { capabilities: { add: ['NET_RAW', 'CHOWN', 'SYS_ADMIN'] } } }] }, 'non-default capabilities (container "a" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)'],
  ['hostPath', { volumes: [{ name: 'h', hostPath: { path: '/' } }], containers: [] }, 'hostPath volumes (volume "h")'],
  ['hostPorts', { containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8081 }] }] }, 'hostPort (container "a" uses hostPorts 8080, 8081)'],
  ['AppArmor field', { containers: [{ name: 'a', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] }, 'forbidden AppArmor profile (container "a" must not set AppArmor profile type to "Unconfined")'],
  ['AppArmor annotation', { containers: [{ name: 'a' }] }, 'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/a="unconfined"")', { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' }],
  ['SELinux', { securityContext: { seLinuxOptions: { type: 'spc_t', user: 'root' } }, containers: [] }, 'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)'],
  ['procMount', { containers: [{ name: 'a', securityContext: { procMount: 'Unmasked' } }] }, 'procMount (container "a" must not set securityContext.procMount to "Unmasked")'],
  ['seccomp', { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [] }, 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")'],
  ['sysctls', { securityContext: { sysctls: [{ name: 'kernel.msgmax' }, { name: 'net.ipv4.tcp_syncookies' }] }, containers: [] }, 'forbidden sysctls (kernel.msgmax)'],
];
for (const [name, spec, want, annotations] of baselineCases) {
  test(`baseline: ${name}`, (t) => {
    t.is(detail('baseline', spec, annotations), want);
  });
}

const restrictedCases: [string, PodSpec, string][] = [
  ['volume types', { volumes: [{ name: 'n', nfs: { server: 'x', path: '/' } }, { name: 'e', emptyDir: {} }], containers: [] }, 'restricted volume types (volume "n" uses restricted volume type "nfs")'],
  ['add beyond NET_BIND_SERVICE', { containers: [{ ...restrictedContainer, securityContext: { ...restrictedContainer.securityContext, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CHOWN'] } } }] }, 'unrestricted capabilities (container "c" must not include "CHOWN" in securityContext.capabilities.add)'],
  ['runAsNonRoot=false', { securityContext: { runAsNonRoot: false }, containers: [restrictedContainer] }, 'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)'],
  ['runAsUser=0', { securityContext: { runAsUser: 0 }, containers: [{ ...restrictedContainer, securityContext: { ...restrictedContainer.securityContext, runAsUser: 0 } }] }, 'runAsUser=0 (pod and container "c" must not set runAsUser=0)'],
  ['pod-level settings cover containers', { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost' } }, containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] }, ''],
];
for (const [name, spec, want] of restrictedCases) {
  test(`restricted: ${name}`, (t) => {
    t.is(detail('restricted', spec), want);
  });
}

test('restricted supersedes the overlapping baseline checks (hostPath is reported once, as a volume type)', (t) => {
  const spec: PodSpec = { volumes: [{ name: 'h', hostPath: { path: '/' } }], containers: [restrictedContainer] };
  t.is(detail('restricted', spec), 'restricted volume types (volume "h" uses restricted volume type "hostPath")');
});
