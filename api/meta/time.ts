// metav1.Time and metav1.MicroTime as they serialize: RFC 3339 in UTC, with whole seconds
// (Time) or exactly six fractional digits (MicroTime). The one place either is written.

/** The last second rfc3339 wrote, and its text: thousands of writes a second share one. */
let lastSecond = NaN;
let lastText = '';

/** "2024-01-01T00:00:00Z": metav1.Time. */
export function rfc3339(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  // An invalid date never equals (NaN) and throws in toISOString, as before.
  if (second !== lastSecond) {
    lastText = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = second;
  }
  return lastText;
}

/** "2024-01-01T00:00:00.000000Z": metav1.MicroTime. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
