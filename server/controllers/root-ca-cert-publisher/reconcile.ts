// root-ca-cert-publisher: every active namespace has a ConfigMap kube-root-ca.crt holding the
// cluster CA, so pods can verify the apiserver; it is put back if deleted or changed.

import type { KubeObject } from '../../../api/types.ts';
import type { Result } from '../../../client/types.ts';
import type { ControllerContext } from '../common/types.ts';
import { isAlreadyExists, isForbidden, isNotFound } from '../common/errors.ts';
import { clone } from '../common/keys.ts';
import { R } from '../common/resources.ts';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const ROOT_CA_KEY = 'ca.crt';
const DESCRIPTION = 'The CA bundle of this cluster, for checking the apiserver from inside it (kubernetes.default.svc).';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export interface RootCADeps extends ControllerContext {
  caPem: string;
}

export function newRootCAReconciler(deps: RootCADeps): (key: string) => Promise<Result> {
  const { client, informers, caPem } = deps;
  const nsLister = informers.informer(R.namespaces).lister;
  const cmLister = informers.informer<ConfigMap>(R.configMaps).lister;
  return async (namespace) => {
    const ns = nsLister.get('', namespace);
    if (!ns || ns.metadata?.deletionTimestamp) return {};
    const want = { [ROOT_CA_KEY]: caPem };
    const cm = cmLister.get(namespace, ROOT_CA_CONFIGMAP);
    try {
      if (!cm) {
        await client.create(R.configMaps, namespace, {
          metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { 'kubernetes.io/description': DESCRIPTION } },
          data: want,
        });
        return {};
      }
      if (JSON.stringify(cm.data ?? {}) === JSON.stringify(want)) return {};
      const next = clone(cm);
      next.data = want;
      delete next.binaryData;
      await client.update(R.configMaps, namespace, next);
    } catch (e) {
      // Already there (the cache is behind), or the namespace went away meanwhile.
      if (isAlreadyExists(e) || isNotFound(e) || isForbidden(e)) return {};
      throw e;
    }
    return {};
  };
}
