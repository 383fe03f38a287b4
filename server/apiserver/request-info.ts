// Parses a request path into what upstream calls RequestInfo: which resource, which verb.
//   /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}
//   /apis/{group}/{version}/{resource}/{name}
//   ?watch=true on a list, or the legacy /watch/ prefix, makes the verb watch.

export type RequestVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection';

export interface ResourceRequest {
  isResourceRequest: true;
  verb: RequestVerb;
  apiPrefix: 'api' | 'apis';
  group: string;
  version: string;
  namespace: string;
  /** The path had namespaces/{ns}/ before the resource (not so for a Namespace's own path). */
  inNamespace: boolean;
  resource: string;
  subresource: string;
  name: string;
  /** Extra path parts after the subresource (e.g. proxy paths). */
  rest: string[];
}

export interface NonResourceRequest {
  isResourceRequest: false;
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

function isTrue(v: string | null): boolean {
  return v !== null && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

function subresourceOf(rest: string[]): boolean {
  return rest.length > 2;
}

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split('/').filter((p) => p !== '');
  const nonResource = (): NonResourceRequest => ({ isResourceRequest: false, verb: method.toLowerCase(), path });
  if (parts.length < 1 || (parts[0] !== 'api' && parts[0] !== 'apis')) return nonResource();
  const apiPrefix = parts[0] as 'api' | 'apis';
  let i = 1;
  let group = '';
  if (apiPrefix === 'apis') {
    if (parts.length < 3) return nonResource(); // /apis, /apis/{group}
    group = parts[1];
    i = 2;
  } else if (parts.length < 2) {
    return nonResource(); // /api
  }
  const version = parts[i++];
  let rest = parts.slice(i);
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  if (rest.length === 0) return nonResource(); // /api/v1, /apis/apps/v1
  let namespace = '';
  let inNamespace = false;
  // namespaces/{ns}/{resource}/...; but namespaces/{name}[/status|/finalize] is the Namespace itself.
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && rest[2] !== 'status' && rest[2] !== 'finalize') {
      rest = rest.slice(2);
      inNamespace = true;
    }
  }
  const resource = rest[0];
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';
  const extra = rest.slice(3);

  let verb: RequestVerb;
  const m = method.toUpperCase();
  if (watchPrefix) verb = 'watch';
  else if (m === 'GET' || m === 'HEAD') verb = isTrue(query.get('watch')) && !subresourceOf(rest) ? 'watch' : name ? 'get' : 'list';
  else if (m === 'POST') verb = 'create';
  else if (m === 'PUT') verb = 'update';
  else if (m === 'PATCH') verb = 'patch';
  else if (m === 'DELETE') verb = name ? 'delete' : 'deletecollection';
  else return { isResourceRequest: false, verb: method.toLowerCase(), path };
  // A watch on a single object: GET .../pods?watch=1&fieldSelector=metadata.name=x is the modern
  // form; the legacy /watch/namespaces/ns/pods/name form watches one name.
  return {
    isResourceRequest: true,
    verb,
    apiPrefix,
    group,
    version,
    namespace,
    inNamespace,
    resource,
    subresource,
    name,
    rest: extra,
  };
}
