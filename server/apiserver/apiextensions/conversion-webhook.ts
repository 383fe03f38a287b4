// A CRD's conversion webhook: a ConversionReview POSTed over HTTPS to clientConfig.url or to
// clientConfig.service (resolved as admission webhooks resolve it, `../admission/webhook/target.ts`),
// trusting only its caBundle, with upstream's 30 s client timeout. The answer is checked as
// upstream checks it (apiVersion and kind of the review, its uid, Success, one object per
// object sent, each in the desired apiVersion and kind with its name, namespace and uid
// unchanged) and every converted object gets the original metadata back but for its labels
// and annotations. Failures are upstream's: code 500 without a reason,
// `conversion webhook for <group/version>, Kind=<kind> failed: <why>`.

import { randomUUID } from 'node:crypto';
import type { KubeObject, ObjectMeta } from '../../../api/types.ts';
import { StatusError, type StatusReason } from '../../../api/meta/errors.ts';
import type { CustomResourceDefinition } from '../../../api/apiextensions/custom-resource-definition/types.ts';
import type { Converter } from '../../../api/apiextensions/custom-resource/resource-type.ts';
import { CallError, postJson, resolveTarget } from '../admission/webhook/target.ts';
import type { ClusterReader } from '../aggregation/types.ts';

/** Upstream's webhook client timeout (the `?timeout=30s` its URLs carry). */
const TIMEOUT_SECONDS = 30;

interface ConversionReview {
  apiVersion?: unknown;
  kind?: unknown;
  response?: { uid?: string; result?: { status?: string; message?: string }; convertedObjects?: KubeObject[] };
}

// What a rest client says of a non-2xx answer that is not a Status.
function httpError(status: number, text: string): string {
  try {
    const st = JSON.parse(text) as { kind?: string; message?: string };
    if (st?.kind === 'Status' && st.message) return st.message;
  } catch {
    // not a Status: worded by its code below
  }
  if (status === 500) return `an error on the server (${JSON.stringify(text.slice(0, 200))}) has prevented the request from succeeding`;
  return `the server responded with the status code ${status} but did not return more information`;
}

// Why a converted object is not acceptable: its group version and kind first, then upstream's
// validateConvertedObject (name, namespace, uid); undefined when it is.
function invalidObject(was: KubeObject, o: KubeObject, desired: string): { typeMeta?: string; meta?: string } | undefined {
  if (o?.apiVersion !== desired) return { typeMeta: `invalid groupVersion (expected ${desired}, received ${String(o?.apiVersion ?? '')})` };
  if (o.kind !== was.kind) return { typeMeta: `invalid kind (expected ${was.kind}, received ${String(o.kind ?? '')})` };
  const m = o.metadata ?? {};
  const w = was.metadata ?? {};
  if ((m.name ?? '') !== (w.name ?? '')) return { meta: `must have the same name: ${w.name ?? ''} != ${m.name ?? ''}` };
  if ((m.namespace ?? '') !== (w.namespace ?? '')) return { meta: `must have the same namespace: ${w.namespace ?? ''} != ${m.namespace ?? ''}` };
  if ((m.uid ?? '') !== (w.uid ?? '')) return { meta: `must have the same UID: ${w.uid ?? ''} != ${m.uid ?? ''}` };
  return undefined;
}

// The original metadata, with the labels and annotations the webhook returned (upstream's restoreObjectMeta).
function restoreMetadata(was: KubeObject, o: KubeObject): string | undefined {
  const meta: ObjectMeta = structuredClone(was.metadata ?? {});
  for (const f of ['labels', 'annotations'] as const) {
    const given = o.metadata?.[f] as unknown;
    if (given == null) {
      delete meta[f];
      continue;
    }
    if (typeof given !== 'object' || Array.isArray(given)) return `invalid metadata.${f} of type ${Array.isArray(given) ? 'array' : typeof given} in converted object`;
    for (const [k, v] of Object.entries(given)) if (typeof v !== 'string') return `metadata.${f}[${k}] must be a string, but is ${typeof v} in converted object`;
    meta[f] = given as Record<string, string>;
  }
  o.metadata = meta;
  return undefined;
}

/** The converter for a CRD whose conversion strategy is Webhook (undefined otherwise). */
export function conversionWebhook(crd: CustomResourceDefinition, reader: ClusterReader): Converter | undefined {
  const conv = crd.spec.conversion;
  if (conv?.strategy !== 'Webhook') return undefined;
  const cc = conv.webhook?.clientConfig ?? {};
  const reviewVersion = (conv.webhook?.conversionReviewVersions ?? []).find((v) => v === 'v1' || v === 'v1beta1');
  return async (objects, desiredAPIVersion) => {
    const gvk = `${objects[0]?.apiVersion ?? crd.spec.group}, Kind=${objects[0]?.kind ?? crd.spec.names.kind}`;
    const error = (message: string) => new StatusError(500, '' as StatusReason, `conversion webhook for ${gvk} ${message}`);
    const fail = (why: string) => error(`failed: ${why}`);
    if (!reviewVersion) throw new StatusError(500, '' as StatusReason, 'no supported conversion review versions');
    const uid = randomUUID();
    const body = JSON.stringify({ apiVersion: `apiextensions.k8s.io/${reviewVersion}`, kind: 'ConversionReview', request: { uid, desiredAPIVersion, objects } });
    let review: ConversionReview;
    try {
      const target = await resolveTarget(reader, cc, TIMEOUT_SECONDS);
      const { status, text } = await postJson(target, cc.caBundle, body, TIMEOUT_SECONDS * 1000);
      if (status >= 300) throw new CallError(httpError(status, text));
      try {
        review = JSON.parse(text) as ConversionReview;
      } catch (e) {
        throw new CallError(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
      }
    } catch (e) {
      throw e instanceof CallError ? fail(e.message) : e;
    }
    if (!review || typeof review !== 'object') throw fail("couldn't get version/kind; json parse error: not an object");
    const r = review.response;
    if (reviewVersion === 'v1') {
      if (review.apiVersion !== 'apiextensions.k8s.io/v1' || review.kind !== 'ConversionReview') {
        throw fail(`expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got ${String(review.apiVersion ?? '/')}, Kind=${String(review.kind ?? '')}`);
      }
      if (!r) throw fail('no response provided');
      if (r.uid !== uid) throw fail(`expected response.uid="${uid}", got "${r.uid ?? ''}"`);
    } else if (!r) throw fail('no response provided');
    if (r.result?.status !== 'Success') throw fail(r.result?.message || `response.result.status was '${r.result?.status ?? ''}', not 'Success'`);
    const out = r.convertedObjects ?? [];
    if (out.length !== objects.length) throw error(`returned ${out.length} objects, expected ${objects.length}`);
    const single = objects.length === 1;
    out.forEach((o, i) => {
      const at = single ? 'invalid object at index 0' : `invalid converted object at index ${i}`;
      const bad = invalidObject(objects[i]!, o, desiredAPIVersion);
      if (bad?.typeMeta) throw error(`returned ${at}: ${bad.typeMeta}`);
      if (bad?.meta) throw error(`returned ${single ? 'invalid object' : at}: ${bad.meta}`);
      const meta = restoreMetadata(objects[i]!, o);
      if (meta) throw error(`returned invalid metadata${single ? '' : ` in object at index ${i}`}: ${meta}`);
    });
    return out;
  };
}
