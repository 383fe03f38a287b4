import test from 'ava';
import { parseResponse } from './call.ts';
import { CallError } from './target.ts';

const review = (response: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response, ...extra });
const refusal = (text: string, mutating = false) => {
  try {
    parseResponse(text, 'u1', mutating);
  } catch (e) {
    if (e instanceof CallError) return e.message;
    throw e;
  }
  return 'accepted';
};

test('a well-formed answer is accepted', (t) => {
  t.like(parseResponse(review({ uid: 'u1', allowed: true }), 'u1'), { uid: 'u1', allowed: true });
  t.like(parseResponse(review({ uid: 'u1', allowed: true, patchType: 'JSONPatch', patch: 'W10=' }), 'u1', true), { patchType: 'JSONPatch' });
});

test('malformed answers are refused with upstream words, in its order', (t) => {
  t.regex(refusal('not json'), /^failed to call webhook: couldn't get version\/kind; json parse error: /);
  t.is(refusal(review(undefined)), 'received invalid webhook response: webhook response was absent');
  t.is(refusal(review({ uid: 'other', allowed: true })), 'received invalid webhook response: expected response.uid="u1", got "other"');
  t.is(refusal(review({ uid: 'u1', allowed: true }, { apiVersion: 'admission.k8s.io/v1beta1' })), 'received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview');
  t.is(refusal(review({ uid: 'u1', allowed: true, patch: 'W10=' }), true), 'received invalid webhook response: webhook returned response.patch but not response.patchType');
  t.is(refusal(review({ uid: 'u1', allowed: true, patchType: 'JSONPatch' }), true), 'received invalid webhook response: webhook returned response.patchType but not response.patch');
  t.is(refusal(review({ uid: 'u1', allowed: true, patch: 'W10=', patchType: 'JSONPatch' })), 'received invalid webhook response: validating webhooks may not return patches');
});
