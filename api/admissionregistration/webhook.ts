// Mutating and ValidatingWebhookConfiguration share one shape per webhook: upstream's v1
// defaults (failurePolicy Fail, matchPolicy Equivalent, match-all selectors, timeoutSeconds 10,
// rule scope "*", service port 443; reinvocationPolicy Never for mutating webhooks) and
// validation (sideEffects and admissionReviewVersions have no default in v1: they are required).

import { fieldError, type FieldError } from '../meta/errors.ts';
import { validateLabelSelector, type LabelSelector } from '../meta/labels.ts';
import { invalidGo, isDNS1035Label, isDNS1123Subdomain, isValidPortNum, validateEnum } from '../meta/validation.ts';
import { simpleStrategy } from '../strategy-kit.ts';
import { compileAdmissionExpression, type AdmissionScope } from './cel.ts';
import type { KubeObject, Strategy } from '../types.ts';
import {
  FAILURE_POLICIES, MATCH_POLICIES, defaultRules, validateFullyQualifiedName, validateMatchConditions, validateRuleWithOperations,
  type MatchCondition, type RuleWithOperations,
} from './rules.ts';

export interface Webhook {
  name?: string;
  clientConfig?: { url?: string; service?: { namespace?: string; name?: string; path?: string; port?: number }; caBundle?: string };
  rules?: RuleWithOperations[];
  failurePolicy?: string;
  matchPolicy?: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  reinvocationPolicy?: string;
  matchConditions?: MatchCondition[];
}

type WebhookConfiguration = KubeObject & { webhooks?: Webhook[] };

const SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
/** What a webhook's matchConditions may name: the admission variables and the authorizer, without params. */
export const WEBHOOK_CONDITION_SCOPE: AdmissionScope = { params: false, variables: [], authorizer: true };
const REVIEW_VERSIONS = ['v1', 'v1beta1'];
const REINVOCATION = ['IfNeeded', 'Never'];

export function defaultWebhook(w: Webhook, mutating: boolean): void {
  w.failurePolicy ??= 'Fail';
  w.matchPolicy ??= 'Equivalent';
  w.namespaceSelector ??= {};
  w.objectSelector ??= {};
  w.timeoutSeconds ??= 10;
  if (mutating) w.reinvocationPolicy ??= 'Never';
  if (w.clientConfig?.service) w.clientConfig.service.port ??= 443;
  defaultRules(w.rules);
}

function validateUrl(raw: string, path: string): FieldError[] {
  const form = '; desired format: https://host[/path]';
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // Go's url.Parse takes most strings, as a URL without scheme or host.
    return [fieldError.invalid(path, '', `'https' is the only allowed URL scheme${form}`), fieldError.invalid(path, '', `host must be specified${form}`)];
  }
  const errs: FieldError[] = [];
  if (u.protocol !== 'https:') errs.push(fieldError.invalid(path, u.protocol.slice(0, -1), `'https' is the only allowed URL scheme${form}`));
  if (!u.host) errs.push(fieldError.invalid(path, u.host, `host must be specified${form}`));
  if (u.username || u.password) errs.push(fieldError.invalid(path, u.password ? `${u.username}:${u.password}` : u.username, 'user information is not permitted in the URL'));
  if (u.hash) errs.push(fieldError.invalid(path, u.hash.slice(1), 'fragments are not permitted in the URL'));
  if (u.search) errs.push(fieldError.invalid(path, u.search.slice(1), 'query parameters are not permitted in the URL'));
  return errs;
}

/** A service reference: name, namespace, a valid port, and a path of DNS-subdomain segments. */
export function validateServiceReference(s: { namespace?: string; name?: string; path?: string; port?: number }, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(fieldError.required(`${path}.name`, 'service name is required'));
  if (!s.namespace) errs.push(fieldError.required(`${path}.namespace`, 'service namespace is required'));
  const port = s.port ?? 443;
  const portErrs = isValidPortNum(port);
  if (portErrs.length) errs.push(fieldError.invalid(`${path}.port`, port, `port is not valid: ${portErrs.join(', ')}`));
  const p = s.path;
  if (p === undefined || p === null || p === '' || p === '/') return errs;
  if (p === '//') return [...errs, fieldError.invalid(`${path}.path`, p, 'segment[0] may not be empty')];
  if (!p.startsWith('/')) errs.push(fieldError.invalid(`${path}.path`, p, "must start with a '/'"));
  let rest = p.slice(1);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  rest.split('/').forEach((step, i) => {
    if (!step) return void errs.push(fieldError.invalid(`${path}.path`, p, `segment[${i}] may not be empty`));
    for (const m of isDNS1123Subdomain(step)) errs.push(fieldError.invalid(`${path}.path`, p, `segment[${i}]: ${m}`));
  });
  return errs;
}

function validateReviewVersions(versions: string[] | undefined, path: string): FieldError[] {
  if (!versions?.length) return [fieldError.required(path, `must specify one of ${REVIEW_VERSIONS.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v)) return void errs.push(fieldError.invalid(`${path}[${i}]`, v, 'duplicate version'));
    seen.add(v);
    for (const m of isDNS1035Label(v)) errs.push(fieldError.invalid(`${path}[${i}]`, v, m));
  });
  if (!versions.some((v) => REVIEW_VERSIONS.includes(v))) errs.push(invalidGo(path, versions, `must include at least one of ${REVIEW_VERSIONS.join(', ')}`));
  return errs;
}

export function validateWebhook(w: Webhook, path: string, mutating: boolean): FieldError[] {
  const errs = validateFullyQualifiedName(w.name, `${path}.name`);
  (w.rules ?? []).forEach((r, i) => errs.push(...validateRuleWithOperations(r, `${path}.rules[${i}]`)));
  errs.push(...validateEnum(w.failurePolicy, FAILURE_POLICIES, `${path}.failurePolicy`));
  errs.push(...validateEnum(w.matchPolicy, MATCH_POLICIES, `${path}.matchPolicy`));
  if (!w.sideEffects) errs.push(fieldError.required(`${path}.sideEffects`, `must specify one of ${SIDE_EFFECTS.join(', ')}`));
  else errs.push(...validateEnum(w.sideEffects, SIDE_EFFECTS, `${path}.sideEffects`));
  const t = w.timeoutSeconds;
  if (t !== undefined && t !== null && (t > 30 || t < 1)) errs.push(fieldError.invalid(`${path}.timeoutSeconds`, t, 'the timeout value must be between 1 and 30 seconds'));
  errs.push(...validateLabelSelector(w.namespaceSelector, `${path}.namespaceSelector`));
  errs.push(...validateLabelSelector(w.objectSelector, `${path}.objectSelector`));
  if (mutating) errs.push(...validateEnum(w.reinvocationPolicy, REINVOCATION, `${path}.reinvocationPolicy`));
  const cc = w.clientConfig ?? {};
  if (!cc.url === !cc.service) errs.push(fieldError.required(`${path}.clientConfig`, 'exactly one of url or service is required'));
  else if (cc.url) errs.push(...validateUrl(cc.url, `${path}.clientConfig.url`));
  else if (cc.service) errs.push(...validateServiceReference(cc.service, `${path}.clientConfig.service`));
  errs.push(...validateMatchConditions(w.matchConditions, `${path}.matchConditions`));
  // Each expression must compile in the admission environment (no params for webhooks).
  (w.matchConditions ?? []).forEach((c, i) => {
    if (!c.expression?.trim()) return;
    const p = compileAdmissionExpression(c.expression, WEBHOOK_CONDITION_SCOPE);
    if (p instanceof Error) errs.push(fieldError.invalid(`${path}.matchConditions[${i}].expression`, c.expression, p.message));
  });
  return errs;
}

function validateConfiguration(c: WebhookConfiguration, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (c.webhooks ?? []).forEach((w, i) => {
    const path = `webhooks[${i}]`;
    errs.push(...validateWebhook(w, path, mutating), ...validateReviewVersions(w.admissionReviewVersions, `${path}.admissionReviewVersions`));
    if (w.name && names.has(w.name)) errs.push(fieldError.duplicate(`${path}.name`, w.name));
    if (w.name) names.add(w.name);
  });
  return errs;
}

/** The strategy of either configuration kind: generation follows the webhooks. */
export function webhookConfigurationStrategy(mutating: boolean): Strategy {
  return simpleStrategy<WebhookConfiguration>({
    namespaced: false,
    generation: true,
    specFields: ['webhooks'],
    defaults: (c) => {
      for (const w of c.webhooks ?? []) defaultWebhook(w, mutating);
    },
    validate: (c) => validateConfiguration(c, mutating),
  });
}
