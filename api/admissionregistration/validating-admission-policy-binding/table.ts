// kubectl get validatingadmissionpolicybindings: the policy and its param (namespace/name,
// "*/name" when the namespace is open, or the param selector).

import type { TablePrinter } from '../../types.ts';
import { ageColumn, col, nameColumn, objAge, objName, rec, selectorString, spec, str } from '../../meta/table-format.ts';

export const validatingAdmissionPolicyBindingTable: TablePrinter = {
  columns: [
    nameColumn,
    col('PolicyName', 'string', 'The policy the binding applies.'),
    col('ParamRef', 'string', 'The resource(s) that parameterize the policy.'),
    ageColumn,
  ],
  row(obj, now) {
    const sp = spec(obj);
    let param = '<unset>';
    if (sp.paramRef !== undefined && sp.paramRef !== null) {
      const pr = rec(sp.paramRef);
      if (str(pr.name) !== '') param = `${str(pr.namespace) || '*'}/${str(pr.name)}`;
      else if (pr.selector !== undefined && pr.selector !== null) param = selectorString(pr.selector);
    }
    return [objName(obj), str(sp.policyName), param, objAge(obj, now)];
  },
};
