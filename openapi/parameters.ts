// The query parameters each REST operation accepts, as the documents declare them. Clients
// read these: kubectl's field-validation check looks for `fieldValidation` among the
// parameters of a kind's patch operation, and uses server-side validation only if found.
// Descriptions are our own wording.

/** The operations a resource path offers (one OpenAPI operation each). */
export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';

export type QueryParam =
  | 'allowWatchBookmarks'
  | 'continue'
  | 'dryRun'
  | 'fieldManager'
  | 'fieldSelector'
  | 'fieldValidation'
  | 'force'
  | 'gracePeriodSeconds'
  | 'ignoreStoreReadErrorWithClusterBreakingPotential'
  | 'labelSelector'
  | 'limit'
  | 'orphanDependents'
  | 'pretty'
  | 'propagationPolicy'
  | 'resourceVersion'
  | 'resourceVersionMatch'
  | 'sendInitialEvents'
  | 'timeoutSeconds'
  | 'watch';

interface ParamSpec {
  type: 'string' | 'integer' | 'boolean';
  description: string;
}

export const QUERY_PARAMS: Record<QueryParam, ParamSpec> = {
  allowWatchBookmarks: { type: 'boolean', description: 'With watch=true, lets the server send BOOKMARK events that only carry a resourceVersion.' },
  continue: { type: 'string', description: 'The continue token a previous, limited list returned; fetches the next chunk of the same consistent list.' },
  dryRun: { type: 'string', description: 'When "All", the request is checked and admitted but nothing is stored.' },
  fieldManager: { type: 'string', description: 'The name of the actor making the change, recorded in managedFields. Required for apply patches.' },
  fieldSelector: { type: 'string', description: 'Only objects whose fields match this selector, e.g. metadata.name=web or status.phase!=Running.' },
  fieldValidation: {
    type: 'string',
    description:
      'What to do with fields the schema does not know or that appear twice: "Ignore" drops them silently, "Warn" (the default) drops them with a warning, "Strict" fails the request.',
  },
  force: { type: 'boolean', description: 'For apply patches: take ownership of fields another manager owns instead of failing with a conflict.' },
  gracePeriodSeconds: { type: 'integer', description: 'Seconds before the object is deleted; zero deletes at once, unset uses the kind\'s default.' },
  ignoreStoreReadErrorWithClusterBreakingPotential: {
    type: 'boolean',
    description: 'Deletes an object that cannot be read from storage (it cannot be decoded). May leave the cluster inconsistent.',
  },
  labelSelector: { type: 'string', description: 'Only objects whose labels match this selector, e.g. app=web,tier!=db.' },
  limit: { type: 'integer', description: 'At most this many items; the list metadata then carries a continue token for the rest.' },
  orphanDependents: { type: 'boolean', description: 'Deprecated: use propagationPolicy. Whether dependents are orphaned rather than garbage collected.' },
  pretty: { type: 'string', description: 'When "true", the response is indented.' },
  propagationPolicy: { type: 'string', description: 'How dependents are garbage collected: "Orphan", "Background" or "Foreground".' },
  resourceVersion: { type: 'string', description: 'Which state of the store to answer from; its meaning depends on resourceVersionMatch.' },
  resourceVersionMatch: { type: 'string', description: '"Exact" or "NotOlderThan": how resourceVersion constrains a list.' },
  sendInitialEvents: { type: 'boolean', description: 'With watch=true, starts the stream with ADDED events for the current state, then a bookmark.' },
  timeoutSeconds: { type: 'integer', description: 'Ends the list or watch after this many seconds.' },
  watch: { type: 'boolean', description: 'Streams changes (ADDED, MODIFIED, DELETED) instead of returning a list.' },
};

const LIST: QueryParam[] = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
];
const WRITE: QueryParam[] = ['dryRun', 'fieldManager', 'fieldValidation'];
const DELETE: QueryParam[] = ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy'];

/** The query parameters of one operation (pretty is declared once per path). */
export const OPERATION_PARAMS: Record<Action, QueryParam[]> = {
  get: [],
  list: LIST,
  post: WRITE,
  put: WRITE,
  patch: [...WRITE, 'force'],
  delete: DELETE,
  deletecollection: [...new Set([...LIST.filter((p) => !['allowWatchBookmarks', 'watch'].includes(p)), ...DELETE])].sort() as QueryParam[],
};

/** Declared on every path, for all its operations. */
export const PATH_PARAMS: QueryParam[] = ['pretty'];
