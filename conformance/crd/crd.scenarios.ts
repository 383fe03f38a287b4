// Custom resources with real kubectl: a CRD appearing in and leaving discovery, explain and
// get; objects created, read, listed, watched, patched (merge, JSON, apply) and scaled;
// validation and CEL errors with upstream's field paths; defaults and pruning; printer
// columns, categories and field selectors; deletion of a CRD with its objects.

import type { Ctx, Scenario } from '../kubectl/suite.ts';
import { errLines, eventually, streamUntil } from '../kubectl/suite.ts';
import { widget, widgetCrd, widgetVersion } from './fixtures.ts';
import { startConversionWebhook } from './webhook.ts';
import { largeCrd } from './large-schema.ts';

const groupOf = (c: Ctx) => `${c.ns}.example.com`;
/** The scenario's own short name for its Widgets ("wdcrud32"). */
const shortOf = (c: Ctx) => `wd${c.ns.replace(/^crd-/, '').replace(/-/g, '')}`;

async function installWidget(c: Ctx, versions?: string): Promise<string> {
  const group = groupOf(c);
  await c.ok(['apply', '-f', '-'], { stdin: widgetCrd(group, { versions, short: shortOf(c) }) });
  await c.ok(['wait', '--for', 'condition=Established', `crd/widgets.${group}`, '--timeout=10s']);
  return group;
}

export const crdScenarios: Scenario[] = [
  {
    title: 'a CRD appears in api-resources, explain and get, and goes away with its objects',
    id: 'crd-life',
    async run(c) {
      const group = await installWidget(c);
      const resources = await c.ok(['api-resources', '--api-group', group]);
      c.t.regex(resources, new RegExp(`widgets\\s+${shortOf(c)}\\s+${group.replace(/\./g, '\\.')}/v1\\s+true\\s+Widget`));
      const explain = await c.ok(['explain', 'widgets.spec.color', `--api-version=${group}/v1`]);
      c.t.regex(explain, /The widget's color\./);
      await c.ok(['apply', '-f', '-'], { stdin: widget(group, 'w1', 'color: red') });
      c.t.regex(await c.ok(['get', `widgets.${group}`]), /^NAME\s+COLOR\s+REPLICAS\s+READY\s+AGE\nw1 +red +1 +\d+s\n$/);
      await c.ok(['delete', 'crd', `widgets.${group}`, '--timeout=20s']);
      const gone = await c.run(['get', `widgets.${group}`]);
      c.t.not(gone.code, 0);
      c.t.regex(errLines(gone).join('\n'), /the server doesn't have a resource type "widgets/);
      c.t.is((await c.ok(['api-resources', '--api-group', group])).trim(), 'NAME   SHORTNAMES   APIVERSION   NAMESPACED   KIND');
      // Recreated, it starts empty: the objects went with the CRD.
      await installWidget(c);
      c.t.regex(errLines(await c.run(['get', `widgets.${group}`])).join('\n'), /No resources found/);
      await c.ok(['delete', 'crd', `widgets.${group}`]);
    },
  },
  {
    title: 'custom resources: validation errors name field paths, CEL rules answer with their messages',
    id: 'crd-valid',
    async run(c) {
      const group = await installWidget(c);
      const bad = async (spec: string) => errLines(await c.run(['apply', '-f', '-'], { stdin: widget(group, 'bad', spec) })).join('\n');
      c.t.regex(await bad('color: pink'), /spec\.color: Unsupported value: "pink": supported values: "red", "green", "blue"/);
      c.t.regex(await bad('color: red\nreplicas: many'), /spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer: "string"/);
      c.t.regex(await bad('color: red\nreplicas: -1'), /spec\.replicas: Invalid value: -1: spec\.replicas in body should be greater than or equal to 0/);
      c.t.regex(await bad('color: red\nname: ABC'), /spec\.name: Invalid value: "ABC": spec\.name in body should match '\^\[a-z\]\+\$'/);
      c.t.regex(await bad('replicas: 1'), /spec\.color: Required value/);
      c.t.regex(await bad('color: red\nports: [{name: a}, {name: a}]'), /spec\.ports\[1\]: Duplicate value: \{"name":"a"\}/);
      c.t.regex(await bad('color: red\nreplicas: 9'), /The Widget "bad" is invalid: spec: Invalid value: "object": replicas \(9\) may not exceed maxReplicas \(5\)/);
      // Strict field validation (kubectl's default) refuses unknown fields; Warn prunes them.
      c.t.regex(await bad('color: red\nbogus: 1'), /strict decoding error: unknown field "spec\.bogus"/);
      const warned = await c.run(['apply', '--validate=warn', '-f', '-'], { stdin: widget(group, 'w2', 'color: red\nbogus: 1\nextra: {any: [1, 2]}') });
      c.t.is(warned.code, 0, warned.stderr);
      c.t.regex(warned.stderr, /unknown field "spec\.bogus"/);
      const yaml = (await c.ok(['get', `widgets.${group}`, 'w2', '-o', 'yaml'])).split('\nspec:\n')[1] ?? '';
      c.t.notRegex(yaml, /bogus/);
      c.t.regex(yaml, /maxReplicas: 5\n/);
      c.t.regex(yaml, /replicas: 1\n/);
      c.t.regex(yaml, /extra:\n\s+any:\n\s+- 1\n\s+- 2\n/);
      // A transition rule: color may not change.
      const moved = await c.run(['patch', `widgets.${group}`, 'w2', '--type=merge', '-p', '{"spec":{"color":"blue"}}']);
      c.t.regex(errLines(moved).join('\n'), /spec: Invalid value: "object": color is immutable/);
      await c.ok(['delete', 'crd', `widgets.${group}`]);
    },
  },
  {
    title: 'custom resources: patch (merge, JSON, apply), status, scale, watch, categories, field selectors',
    id: 'crd-crud',
    async run(c) {
      const group = await installWidget(c);
      const wd = shortOf(c);
      await c.ok(['apply', '--server-side', '-f', '-'], { stdin: widget(group, 'w1', 'color: red\nports: [{name: http, port: 80}]') });
      await c.ok(['create', '-f', '-'], { stdin: widget(group, 'w2', 'color: blue') });
      // Another manager adds a port: the list map merges by name.
      await c.ok(['apply', '--server-side', '--field-manager=other', '-f', '-'], { stdin: widget(group, 'w1', 'color: red\nports: [{name: https, port: 443}]') });
      c.t.is(await c.ok(['get', wd, 'w1', '-o', 'jsonpath={.spec.ports[*].name}']), 'http https');
      await c.ok(['patch', wd, 'w1', '--type=merge', '-p', '{"spec":{"labels":{"a":"b"}}}']);
      await c.ok(['patch', wd, 'w1', '--type=json', '-p', '[{"op":"replace","path":"/spec/maxReplicas","value":8}]']);
      c.t.is(await c.ok(['get', wd, 'w1', '-o', 'jsonpath={.spec.labels.a} {.spec.maxReplicas} {.metadata.generation}']), 'b 8 4');
      const smp = await c.run(['patch', wd, 'w1', '-p', '{"spec":{"size":3}}']);
      c.t.regex(errLines(smp).join('\n'), /application\/strategic-merge-patch\+json is not supported by .*Kind=Widget/);
      // Status goes through its subresource only; scale through /scale.
      await c.ok(['patch', wd, 'w1', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":2,"selector":"app=w1","conditions":[{"type":"Ready","status":"True"}]}}']);
      await c.ok(['scale', wd, 'w1', '--replicas=3']);
      c.t.is(await c.ok(['get', wd, 'w1', '-o', 'jsonpath={.spec.replicas} {.status.replicas}']), '3 2');
      c.t.regex(await c.ok(['get', wd, 'w1']), /w1\s+red\s+3\s+True\s+\d+s/);
      // In `kubectl get all` through the category, and filtered by a selectable field.
      // Scenarios running at the same time add and delete Widget CRDs of their own, which
      // `get all` expands to as well: one that vanished between discovery and list fails it.
      const inAll = new RegExp(`widget\\.${group.replace(/\./g, '\\.')}/w1`);
      c.t.true(await eventually(async () => inAll.test((await c.run(['get', 'all'])).stdout), 20_000), 'w1 in kubectl get all');
      c.t.is(await c.ok(['get', wd, '--field-selector', 'spec.color=blue', '-o', 'name']), `widget.${group}/w2\n`);
      const badSel = await c.run(['get', wd, '--field-selector', 'spec.size=1']);
      c.t.regex(errLines(badSel).join('\n'), /field label not supported: spec\.size/);
      // A watch sees a change.
      const w = await streamUntil(c, ['get', wd, 'w2', '-w', '-o', 'jsonpath={.spec.maxReplicas}{"\\n"}'], /^5\n/, async () => {
        await c.ok(['patch', wd, 'w2', '--type=merge', '-p', '{"spec":{"maxReplicas":7}}']);
      }, /\n7\n/);
      c.t.true(w.matched, w.stdout + w.stderr);
      await c.ok(['delete', wd, 'w1', 'w2']);
      await c.ok(['delete', 'crd', `widgets.${group}`]);
    },
  },
  {
    title: 'CRD versions: objects written in one version read in another (None conversion)',
    id: 'crd-versions',
    async run(c) {
      const group = await installWidget(c, widgetVersion('v1', true) + widgetVersion('v2', false));
      await c.ok(['apply', '-f', '-'], { stdin: widget(group, 'w1', 'color: green', 'v2') });
      c.t.is(await c.ok(['get', `widgets.v1.${group}`, 'w1', '-o', 'jsonpath={.apiVersion} {.spec.color}']), `${group}/v1 green`);
      c.t.is(await c.ok(['get', `widgets.v2.${group}`, 'w1', '-o', 'jsonpath={.apiVersion}']), `${group}/v2`);
      c.t.is(await c.ok(['get', 'crd', `widgets.${group}`, '-o', 'jsonpath={.status.storedVersions}']), '["v1"]');
      await c.ok(['delete', 'crd', `widgets.${group}`]);
    },
  },
  {
    title: 'bad CRDs: a schema that is not structural, and names that clash',
    id: 'crd-bad',
    async run(c) {
      const group = groupOf(c);
      const nonStructural = widgetCrd(group).replace('            type: object\n            description: What the widget should be.', '            description: What the widget should be.');
      const r = await c.run(['apply', '-f', '-'], { stdin: nonStructural });
      c.t.regex(errLines(r).join('\n'), /spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.type: Required value: must not be empty for specified object fields/);
      c.t.regex(errLines(await c.run(['get', 'crd', `widgets.${group}`])).join('\n'), /not found/);
      await installWidget(c);
      const clash = widgetCrd(group).replace(/widgets/g, 'gadgets').replace('plural: gadgets', 'plural: gadgets').replace('singular: widget', 'singular: gadget').replace('[wd]', '[gd]');
      await c.ok(['apply', '-f', '-'], { stdin: clash });
      await c.ok(['wait', '--for', 'condition=NamesAccepted=False', `crd/gadgets.${group}`, '--timeout=10s']);
      c.t.is(await c.ok(['get', 'crd', `gadgets.${group}`, '-o', 'jsonpath={.status.conditions[?(@.type=="NamesAccepted")].message}']), '"Widget" is already in use');
      await c.ok(['delete', 'crd', `widgets.${group}`, `gadgets.${group}`]);
    },
  },
  {
    title: 'CRD versions through a conversion webhook by url (TLS, caBundle); a webhook down or answering garbage is a 500 naming it',
    id: 'crd-webhook',
    async run(c) {
      const hook = await startConversionWebhook();
      try {
        const group = groupOf(c);
        const v2 = widgetVersion('v2', false).replace(/color/g, 'colour');
        const conversion = `  conversion:\n    strategy: Webhook\n    webhook:\n      conversionReviewVersions: [v1]\n      clientConfig:\n        url: ${hook.url}\n        caBundle: ${hook.caBundle}\n`;
        const yaml = widgetCrd(group, { versions: widgetVersion('v1', true) + v2, short: shortOf(c) }).replace('  versions:\n', `${conversion}  versions:\n`);
        await c.ok(['apply', '-f', '-'], { stdin: yaml });
        await c.ok(['wait', '--for', 'condition=Established', `crd/widgets.${group}`, '--timeout=10s']);
        await c.ok(['apply', '-f', '-'], { stdin: widget(group, 'w1', 'colour: blue', 'v2') });
        c.t.is(await c.ok(['get', `widgets.v1.${group}`, 'w1', '-o', 'jsonpath={.apiVersion} {.spec.color}']), `${group}/v1 blue`);
        c.t.is(await c.ok(['get', `widgets.v2.${group}`, 'w1', '-o', 'jsonpath={.apiVersion} {.spec.colour}']), `${group}/v2 blue`);
        c.t.true(hook.calls >= 2, `webhook calls: ${hook.calls}`);
        hook.mode = 'fail';
        const failed = await c.run(['get', `widgets.v2.${group}`, 'w1']);
        c.t.regex(errLines(failed).join('\n'), new RegExp(`conversion webhook for ${group.replace(/\./g, '\\.')}/v1, Kind=Widget failed: the widget cannot be converted today`));
        hook.mode = 'garbage';
        const garbage = await c.run(['get', `widgets.v2.${group}`, 'w1']);
        c.t.regex(errLines(garbage).join('\n'), /^Error from server: conversion webhook for \S+\/v1, Kind=Widget failed: couldn't get version\/kind; json parse error: /);
        hook.mode = 'ok';
        await hook.close();
        const down = await c.run(['get', `widgets.v2.${group}`, 'w1']);
        c.t.regex(errLines(down).join('\n'), /Kind=Widget failed: Post "https:\/\/127\.0\.0\.1:\d+\/convert\?timeout=30s": connect ECONNREFUSED/);
        // The storage version needs no webhook; everything else keeps being served.
        c.t.is(await c.ok(['get', `widgets.v1.${group}`, 'w1', '-o', 'jsonpath={.spec.color}']), 'blue');
        await c.ok(['delete', 'crd', `widgets.${group}`]);
      } finally {
        await hook.close();
      }
    },
  },
  {
    title: 'a conversion webhook by service: a Service with an EndpointSlice to the webhook on loopback; a missing Service, no endpoints or garbage answer upstream\'s 500 and leave stored objects intact',
    id: 'crd-webhook-svc',
    async run(c) {
      const svcName = 'conv-hook';
      const hook = await startConversionWebhook([`${svcName}.${c.ns}.svc`]);
      try {
        const group = groupOf(c);
        const wd = (v: string) => `widgets.${v}.${group}`;
        const v2 = widgetVersion('v2', false).replace(/color/g, 'colour');
        const conversion = `  conversion:\n    strategy: Webhook\n    webhook:\n      conversionReviewVersions: [v1]\n      clientConfig:\n        service: {namespace: ${c.ns}, name: ${svcName}, path: /convert, port: 8443}\n        caBundle: ${hook.caBundle}\n`;
        const yaml = widgetCrd(group, { versions: widgetVersion('v1', true) + v2, short: shortOf(c) }).replace('  versions:\n', `${conversion}  versions:\n`);
        await c.ok(['apply', '-f', '-'], { stdin: yaml });
        await c.ok(['wait', '--for', 'condition=Established', `crd/widgets.${group}`, '--timeout=10s']);
        // Written in the storage version: no webhook needed.
        await c.ok(['apply', '-f', '-'], { stdin: widget(group, 'w1', 'color: blue') });
        const failure = (why: string) => new RegExp(`^Error from server: conversion webhook for ${group.replace(/\./g, '\\.')}/v1, Kind=Widget failed: Post "https://${svcName}\\.${c.ns}\\.svc:8443/convert\\?timeout=30s": ${why}$`);
        c.t.regex(errLines(await c.run(['get', wd('v2'), 'w1'])).join('\n'), failure(`service "${svcName}" not found`));
        const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: svcName }, spec: { ports: [{ name: 'https', port: 8443, targetPort: 9443 }] } };
        await c.ok(['create', '-f', '-'], { stdin: JSON.stringify(svc) });
        c.t.regex(errLines(await c.run(['get', wd('v2'), 'w1'])).join('\n'), failure(`no endpoints available for service "${svcName}"`));
        // A write through v2 that cannot be converted is refused and changes nothing.
        const refused = await c.run(['apply', '-f', '-'], { stdin: widget(group, 'w1', 'colour: red', 'v2') });
        c.t.not(refused.code, 0);
        c.t.regex(errLines(refused).join('\n'), /conversion webhook for .* failed: Post .*: no endpoints available for service/);
        c.t.is(await c.ok(['get', wd('v1'), 'w1', '-o', 'jsonpath={.spec.color}']), 'blue');
        const slice = {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: `${svcName}-1`, labels: { 'kubernetes.io/service-name': svcName } },
          addressType: 'IPv4',
          endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
          ports: [{ name: 'https', port: hook.port, protocol: 'TCP' }],
        };
        await c.ok(['create', '-f', '-'], { stdin: JSON.stringify(slice) });
        c.t.is(await c.ok(['get', wd('v2'), 'w1', '-o', 'jsonpath={.apiVersion} {.spec.colour}']), `${group}/v2 blue`);
        await c.ok(['apply', '-f', '-'], { stdin: widget(group, 'w2', 'colour: green', 'v2') });
        c.t.is(await c.ok(['get', wd('v1'), 'w2', '-o', 'jsonpath={.apiVersion} {.spec.color}']), `${group}/v1 green`);
        c.t.is(await c.ok(['get', wd('v2'), '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.colour} {end}']), 'w1=blue w2=green ');
        hook.mode = 'garbage';
        const garbage = await c.run(['patch', wd('v2'), 'w2', '--type=merge', '-p', '{"spec":{"colour":"red"}}']);
        c.t.not(garbage.code, 0);
        c.t.regex(errLines(garbage).join('\n'), /^Error from server: conversion webhook for \S+, Kind=Widget failed: couldn't get version\/kind; json parse error: /);
        hook.mode = 'ok';
        c.t.is(await c.ok(['get', wd('v1'), 'w2', '-o', 'jsonpath={.spec.color}']), 'green');
        await c.ok(['delete', 'crd', `widgets.${group}`]);
        await c.ok(['delete', 'service', svcName]);
        await c.ok(['delete', 'endpointslice', `${svcName}-1`]);
      } finally {
        await hook.close();
      }
    },
  },
  {
    title: 'a CRD with a schema close to 1 MB is served: Established, explain, objects validated and defaulted',
    id: 'crd-large',
    async run(c) {
      const group = groupOf(c);
      const crd = JSON.stringify(largeCrd(group));
      c.t.true(crd.length > 900_000, `${crd.length} bytes`);
      // create, not apply: the last-applied annotation of apply is limited to 256 KiB.
      await c.ok(['create', '-f', '-'], { stdin: crd });
      // Polled rather than `kubectl wait`: a megabyte per write keeps a busy etcd slow, and
      // one slow read (503) should not end the wait.
      const established = async () => (await c.run(['get', 'crd', `bigs.${group}`, '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}'])).stdout === 'True';
      c.t.true(await eventually(established, 30_000), 'Established');
      c.t.regex(await c.ok(['explain', 'bigs.spec.component7.mode', `--api-version=${group}/v1`]), /How the component is managed\./);
      const bad = await c.run(['apply', '-f', '-'], { stdin: JSON.stringify({ apiVersion: `${group}/v1`, kind: 'Big', metadata: { name: 'b' }, spec: { component3: { replicas: 101 } } }) });
      c.t.regex(errLines(bad).join('\n'), /spec\.component3\.replicas: Invalid value: 101: spec\.component3\.replicas in body should be less than or equal to 100/);
      await c.ok(['apply', '-f', '-'], { stdin: JSON.stringify({ apiVersion: `${group}/v1`, kind: 'Big', metadata: { name: 'b' }, spec: { component3: { mode: 'Auto' } } }) });
      c.t.is(await c.ok(['get', `bigs.${group}`, 'b', '-o', 'jsonpath={.spec.component3.replicas}']), '1');
      // Retried for the same reason as the wait above: one slow etcd read is a 503.
      const gone = async () => {
        const r = await c.run(['delete', 'crd', `bigs.${group}`, '--ignore-not-found']);
        return r.code === 0;
      };
      c.t.true(await eventually(gone, 60_000), 'CRD deleted');
    },
  },
];
