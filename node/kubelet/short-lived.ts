// A read many pod workers want at once (the `kubernetes` Service for every container's
// environment): one request in flight for all of them, its answer kept a short while.

/** `load` shared by every caller while in flight, and its answer for `ttlMs` after; a failure is not kept. */
export function shortLived<T>(ttlMs: number, load: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let held: { value: Promise<T>; at: number } | undefined;
  return () => {
    if (held && now() - held.at < ttlMs) return held.value;
    const value = load();
    const mine = { value, at: now() };
    held = mine;
    value.catch(() => {
      if (held === mine) held = undefined;
    });
    return value;
  };
}
