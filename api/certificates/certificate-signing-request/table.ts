// kubectl get csr: signer, requestor, requested duration and CONDITION
// (Denied/Approved/Pending, then ",Failed" and ",Issued").

import type { KubeObject, TablePrinter } from '../../types.ts';
import { humanDuration } from '../../meta/duration.ts';
import { ageColumn, col, nameColumn, objAge, objName, recs, spec, statusOf, str } from '../../meta/table-format.ts';

export function csrCondition(obj: KubeObject): string {
  const types = new Set(recs(statusOf(obj).conditions).map((c) => c.type));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (str(statusOf(obj).certificate) !== '') s += ',Issued';
  return s;
}

export const certificateSigningRequestTable: TablePrinter = {
  columns: [
    nameColumn,
    ageColumn,
    col('SignerName', 'string', 'The signer asked to sign the certificate.'),
    col('Requestor', 'string', 'The user who created the request.'),
    col('RequestedDuration', 'string', 'How long the requested certificate should be valid.'),
    col('Condition', 'string', 'Denied, Approved or Pending, then Failed and Issued when they apply.'),
  ],
  row(obj, now) {
    const sp = spec(obj);
    const duration = typeof sp.expirationSeconds === 'number' ? humanDuration(sp.expirationSeconds * 1000) : '<none>';
    return [objName(obj), objAge(obj, now), str(sp.signerName) || '<none>', str(sp.username), duration, csrCondition(obj)];
  },
};
