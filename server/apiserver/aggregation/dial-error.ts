// What a failed call to an extension server (aggregated API, admission or conversion webhook)
// says, in the words of upstream's Go client where Node's differ: a chain the caBundle cannot
// anchor is "certificate signed by unknown authority" whichever of Node's verifier codes it got.

const UNKNOWN_AUTHORITY = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

export function dialError(e: Error): string {
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return 'context deadline exceeded';
  if (UNKNOWN_AUTHORITY.has((e as NodeJS.ErrnoException).code ?? '')) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  return e.message;
}
