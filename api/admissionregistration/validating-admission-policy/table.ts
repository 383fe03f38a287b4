// kubectl get validatingadmissionpolicies: number of validations and the param kind.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, arr, col, nameColumn, objAge, objName, rec, spec, str } from '../../meta/table-format.ts';

export const validatingAdmissionPolicyTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Validations', 'integer', 'Number of validation rules in the policy.'),
    col('ParamKind', 'string', 'The kind of the resources that parameterize the policy.'),
    ageColumn,
  ],
  row(obj, now) {
    const sp = spec(obj);
    const pk = sp.paramKind === undefined || sp.paramKind === null ? undefined : rec(sp.paramKind);
    const paramKind = pk ? `${str(pk.apiVersion)}/${str(pk.kind)}` : '<unset>';
    return [objName(obj), arr(sp.validations).length, paramKind, objAge(obj, now)];
  },
};
