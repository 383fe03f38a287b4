import test from 'ava';
import { completeKeys, mergeApplied } from './apply-merge.ts';
import { schemaFromSpec } from './schema.ts';

const portsSchema = schemaFromSpec({
  fields: {
    ports: {
      listType: 'map',
      listMapKeys: ['containerPort', 'protocol'],
      items: { fields: { containerPort: {}, protocol: {}, name: {}, hosts: { listType: 'map', listMapKeys: ['ip'], items: { fields: { ip: {}, zone: {} } } } } },
    },
  },
});

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

test('completeKeys returns the configuration itself when every item names its keys', (t) => {
  const config = deepFreeze({ ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] });
  const live = deepFreeze({ ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 81, protocol: 'TCP' }] });
  t.is(completeKeys(config, live, portsSchema), config);
  t.is(completeKeys(config, undefined, portsSchema), config);
});

test('completeKeys fills a missing key from the one live item it can mean, copying only that path', (t) => {
  const other = { containerPort: 443, protocol: 'TCP' };
  const config = deepFreeze({ ports: [other, { containerPort: 80, name: 'http' }], extra: { a: 1 } });
  const live = deepFreeze({ ports: [{ containerPort: 80, protocol: 'UDP' }, { containerPort: 443, protocol: 'TCP' }] });
  const out = completeKeys(config, live, portsSchema) as typeof config;
  t.deepEqual(out.ports, [other, { containerPort: 80, protocol: 'UDP', name: 'http' }]);
  t.is(out.ports[0], config.ports[0]);
  t.is(out.extra, config.extra);
});

test('completeKeys: an item matching two live items is left as it is; nested lists complete too', (t) => {
  const live = deepFreeze({
    ports: [
      { containerPort: 80, protocol: 'TCP', hosts: [{ ip: '1', zone: 'a' }] },
      { containerPort: 80, protocol: 'UDP' },
      { containerPort: 90, protocol: 'TCP', hosts: [{ ip: '1', zone: 'a' }] },
    ],
  });
  const config = deepFreeze({ ports: [{ containerPort: 80 }, { containerPort: 90, protocol: 'TCP', hosts: [{ ip: '1' }] }] });
  const out = completeKeys(config, live, portsSchema) as { ports: unknown[] };
  t.is(out.ports[0], config.ports[0]);
  t.deepEqual(out.ports[1], { containerPort: 90, protocol: 'TCP', hosts: [{ ip: '1' }] });
});

test('mergeApplied keeps live-only items after the live item they followed, for long lists', (t) => {
  const n = 300;
  const live = deepFreeze({ ports: Array.from({ length: n }, (_, i) => ({ containerPort: i, protocol: 'TCP', name: `p${i}` })) });
  // Apply every other port, in reverse order.
  const applied = live.ports.filter((_, i) => i % 2 === 0).reverse().map((p) => ({ containerPort: p.containerPort, protocol: 'TCP', name: `q${p.containerPort}` }));
  const out = mergeApplied(live, deepFreeze({ ports: applied }), portsSchema) as { ports: { containerPort: number; name: string }[] };
  t.is(out.ports.length, n);
  const want: string[] = [];
  for (let i = n - 2; i >= 0; i -= 2) want.push(`q${i}`, `p${i + 1}`);
  t.deepEqual(out.ports.map((p) => p.name), want);
});
