// The serviceaccount controller: every active namespace has a `default` ServiceAccount.

import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { isAlreadyExists, isForbidden, isNotFound } from '../common/errors.ts';
import { R } from '../common/resources.ts';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

export function newServiceAccountReconciler(deps: ControllerContext): (key: string) => Promise<Result> {
  const { client, informers } = deps;
  const nsLister = informers.informer(R.namespaces).lister;
  const saLister = informers.informer(R.serviceAccounts).lister;
  return async (namespace) => {
    const ns = nsLister.get('', namespace);
    if (!ns || ns.metadata?.deletionTimestamp) return {};
    if (saLister.get(namespace, DEFAULT_SERVICE_ACCOUNT)) return {};
    try {
      await client.create(R.serviceAccounts, namespace, { metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } });
    } catch (e) {
      if (isAlreadyExists(e) || isNotFound(e) || isForbidden(e)) return {};
      throw e;
    }
    return {};
  };
}
