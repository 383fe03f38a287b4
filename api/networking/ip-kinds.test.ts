import test from 'ava';
import type { KubeObject } from '../types.ts';
import { created, errorsOf as errors, updateErrorsOf as updateErrors } from '../../testing/strategy.ts';
import { ipAddresses } from './ip-address/index.ts';
import { serviceCIDRs } from './service-cidr/index.ts';
import { canonicalIP, parseCIDR } from './ip.ts';


test('canonical IPs and CIDRs', (t) => {
  t.is(canonicalIP('2001:DB8:0:0::1'), '2001:db8::1');
  t.is(canonicalIP('10.0.0.1'), '10.0.0.1');
  t.is(canonicalIP('10.0.0.01'), undefined);
  t.deepEqual(parseCIDR('10.96.1.0/12'), { family: 4, canonical: '10.96.0.0/12' });
  t.deepEqual(parseCIDR('fd00:0::1/108'), { family: 6, canonical: 'fd00::/108' });
  t.is(parseCIDR('10.0.0.0/33'), undefined);
});

const ref = { group: '', resource: 'services', namespace: 'default', name: 'web' };

test('IPAddress: a canonical IP name and a fixed parentRef', (t) => {
  const s = ipAddresses.strategy;
  const ip = created(s, { metadata: { name: '10.96.0.10' }, spec: { parentRef: ref } });
  t.deepEqual(errors(s, ip), []);
  t.deepEqual(errors(s, { metadata: { name: '2001:DB8::1' }, spec: { parentRef: ref } }), ['metadata.name: Invalid value: "2001:DB8::1": must be in canonical form ("2001:db8::1")']);
  t.deepEqual(errors(s, { metadata: { name: 'web' }, spec: { parentRef: { resource: 'services' } } }), [
    'metadata.name: Invalid value: "web": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'spec.parentRef.name: Required value',
  ]);
  t.deepEqual(errors(s, { metadata: { name: '10.0.0.1' }, spec: {} }), ['spec.parentRef: Required value']);
  const moved = { ...ip, spec: { parentRef: { ...ref, name: 'api' } } };
  t.regex(updateErrors(s, moved, ip)[0], /^spec\.parentRef: Invalid value: .*: field is immutable$/);
});

test('ServiceCIDR: one or two canonical CIDRs of distinct families; a range may only gain the other family', (t) => {
  const s = serviceCIDRs.strategy;
  const one = created(s, { metadata: { name: 'kubernetes' }, spec: { cidrs: ['10.96.0.0/12'] }, status: { conditions: [{ type: 'Ready' }] } });
  t.deepEqual(one.status, {});
  t.deepEqual(errors(s, one), []);
  t.deepEqual(errors(s, { metadata: { name: 'x' }, spec: { cidrs: [] } }), ['spec.cidrs: Required value: at least one CIDR required']);
  t.deepEqual(errors(s, { metadata: { name: 'x' }, spec: { cidrs: ['10.96.0.1/12'] } }), ['spec.cidrs[0]: Invalid value: "10.96.0.1/12": must be in canonical form ("10.96.0.0/12")']);
  t.deepEqual(errors(s, { metadata: { name: 'x' }, spec: { cidrs: ['10.96.0.0/12', '10.100.0.0/16'] } }), [
    'spec.cidrs: Invalid value: {"cidrs":["10.96.0.0/12","10.100.0.0/16"]}: may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64',
  ]);
  const dual = { ...one, spec: { cidrs: ['10.96.0.0/12', 'fd00::/108'] } };
  t.deepEqual(updateErrors(s, dual, one), []);
  const changed = { ...one, spec: { cidrs: ['10.97.0.0/16'] } };
  t.deepEqual(updateErrors(s, changed, one), ['spec.cidrs[0]: Invalid value: "10.97.0.0/16": field is immutable']);
});
