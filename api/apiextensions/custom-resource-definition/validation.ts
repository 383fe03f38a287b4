// CustomResourceDefinition validation: the name is <plural>.<group>, names are DNS labels,
// one storage version, scope, conversion, printer columns, selectable fields, and each
// version's schema structural (structural.ts).

import { fieldError, type FieldError } from '../../meta/errors.ts';
import { isDNS1035Label, isDNS1123Subdomain } from '../../meta/names.ts';
import { compileJsonPath } from '../custom-resource/json-path.ts';
import { validateStructural } from './structural.ts';
import type { CustomResourceDefinition, CustomResourceDefinitionNames } from './types.ts';

const KIND_RE = /^[A-Za-z][A-Za-z0-9]*$/;
const VERSION_RE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];

function validateNames(n: CustomResourceDefinitionNames | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!n) return [fieldError.required(path, '')];
  const label = (v: string | undefined, field: string, required: boolean) => {
    if (!v) {
      if (required) errs.push(fieldError.required(`${path}.${field}`, ''));
      return;
    }
    for (const m of isDNS1035Label(v)) errs.push(fieldError.invalid(`${path}.${field}`, v, m));
  };
  label(n.plural, 'plural', true);
  label(n.singular, 'singular', false);
  n.shortNames?.forEach((s, i) => label(s, `shortNames[${i}]`, true));
  n.categories?.forEach((s, i) => label(s, `categories[${i}]`, true));
  if (!n.kind) errs.push(fieldError.required(`${path}.kind`, ''));
  else if (!KIND_RE.test(n.kind)) errs.push(fieldError.invalid(`${path}.kind`, n.kind, 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?'));
  if (n.listKind !== undefined && n.listKind === n.kind) errs.push(fieldError.invalid(`${path}.listKind`, n.listKind, 'kind and listKind may not be the same'));
  return errs;
}

export function validateCustomResourceDefinition(crd: CustomResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const spec = crd.spec;
  if (!spec || typeof spec !== 'object') return [fieldError.required('spec', '')];
  if (!spec.group) errs.push(fieldError.required('spec.group', ''));
  else {
    for (const m of isDNS1123Subdomain(spec.group)) errs.push(fieldError.invalid('spec.group', spec.group, m));
    if (!spec.group.includes('.')) errs.push(fieldError.invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  }
  const name = crd.metadata?.name ?? '';
  if (spec.names?.plural && spec.group && name !== `${spec.names.plural}.${spec.group}`) {
    errs.push(fieldError.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  errs.push(...validateNames(spec.names, 'spec.names'));
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errs.push(spec.scope ? fieldError.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']) : fieldError.required('spec.scope', ''));
  }
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) errs.push(fieldError.invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  else if (versions.filter((v) => v.storage).length !== 1) {
    errs.push(fieldError.invalid('spec.versions', versions.map((v) => v.name), 'must have exactly one version marked as storage version'));
  }
  if (versions.length && !versions.some((v) => v.served)) errs.push(fieldError.invalid('spec.versions', versions.map((v) => v.name), 'must have at least one version marked as served'));
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (!v.name) errs.push(fieldError.required(`${p}.name`, ''));
    else if (!VERSION_RE.test(v.name)) errs.push(fieldError.invalid(`${p}.name`, v.name, 'a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character'));
    else if (seen.has(v.name)) errs.push(fieldError.invalid(`${p}.name`, v.name, 'must be unique'));
    seen.add(v.name);
    const schema = v.schema?.openAPIV3Schema;
    if (!schema) errs.push(fieldError.required(`${p}.schema.openAPIV3Schema`, 'schemas are required'));
    else errs.push(...validateStructural(schema, `${p}.schema.openAPIV3Schema`));
    v.additionalPrinterColumns?.forEach((c, j) => {
      const cp = `${p}.additionalPrinterColumns[${j}]`;
      if (!c.name) errs.push(fieldError.required(`${cp}.name`, ''));
      if (!COLUMN_TYPES.includes(c.type)) errs.push(c.type ? fieldError.notSupported(`${cp}.type`, c.type, COLUMN_TYPES) : fieldError.required(`${cp}.type`, ''));
      if (!c.jsonPath) errs.push(fieldError.required(`${cp}.jsonPath`, ''));
      else {
        try {
          compileJsonPath(c.jsonPath);
        } catch (e) {
          errs.push(fieldError.invalid(`${cp}.jsonPath`, c.jsonPath, (e as Error).message));
        }
      }
    });
    v.selectableFields?.forEach((f, j) => {
      const fp = `${p}.selectableFields[${j}].jsonPath`;
      if (!f.jsonPath) errs.push(fieldError.required(fp, ''));
      else if (!/^(\.[A-Za-z0-9_-]+)+$/.test(f.jsonPath)) errs.push(fieldError.invalid(fp, f.jsonPath, 'must be a simple path to a field'));
    });
    const sc = v.subresources?.scale;
    if (sc) {
      if (!sc.specReplicasPath?.startsWith('.spec.')) errs.push(fieldError.invalid(`${p}.subresources.scale.specReplicasPath`, sc.specReplicasPath ?? '', 'should be a json path under .spec'));
      if (!sc.statusReplicasPath?.startsWith('.status.')) errs.push(fieldError.invalid(`${p}.subresources.scale.statusReplicasPath`, sc.statusReplicasPath ?? '', 'should be a json path under .status'));
    }
  });
  const conv = spec.conversion;
  if (conv) {
    if (conv.strategy !== 'None' && conv.strategy !== 'Webhook') errs.push(fieldError.notSupported('spec.conversion.strategy', conv.strategy, ['None', 'Webhook']));
    if (conv.strategy === 'Webhook') {
      const cc = conv.webhook?.clientConfig;
      if (!cc) errs.push(fieldError.required('spec.conversion.webhook.clientConfig', 'required when strategy is set to Webhook'));
      else if (!cc.url === !cc.service) errs.push(fieldError.required('spec.conversion.webhook.clientConfig', 'exactly one of url or service is required'));
      else if (cc.url && !cc.url.startsWith('https://')) errs.push(fieldError.invalid('spec.conversion.webhook.clientConfig.url', cc.url, "'https' is the only allowed URL scheme"));
      if (!conv.webhook?.conversionReviewVersions?.length) errs.push(fieldError.required('spec.conversion.webhook.conversionReviewVersions', 'must include at least one of v1, v1beta1'));
    } else if (conv.webhook) errs.push(fieldError.forbidden('spec.conversion.webhook', 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

export function validateCustomResourceDefinitionUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  if (old.spec?.scope !== crd.spec?.scope) errs.push(fieldError.invalid('spec.scope', crd.spec?.scope, 'field is immutable'));
  // A stored version may only be dropped from the spec once it left status.storedVersions.
  const names = new Set((crd.spec?.versions ?? []).map((v) => v.name));
  for (const sv of old.status?.storedVersions ?? []) {
    if (!names.has(sv)) errs.push(fieldError.invalid('status.storedVersions', old.status?.storedVersions, `must appear in spec.versions`));
  }
  return errs;
}
