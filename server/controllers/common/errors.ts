// Reading apiserver errors by their Status code, whatever class the client throws.

function codeOf(e: unknown): number | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const c = (e as { code: unknown }).code;
    return typeof c === 'number' ? c : undefined;
  }
  return undefined;
}

function reasonOf(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'reason' in e) {
    const r = (e as { reason: unknown }).reason;
    return typeof r === 'string' ? r : undefined;
  }
  return undefined;
}

export const isNotFound = (e: unknown): boolean => codeOf(e) === 404;
export const isConflict = (e: unknown): boolean => codeOf(e) === 409 && reasonOf(e) !== 'AlreadyExists';
export const isAlreadyExists = (e: unknown): boolean => codeOf(e) === 409 && reasonOf(e) === 'AlreadyExists';
/** The namespace is being deleted: creates in it are refused (403 NamespaceTerminating style). */
export const isForbidden = (e: unknown): boolean => codeOf(e) === 403;

/** Runs fn, treating NotFound as success (the object is already gone). */
export async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
}
