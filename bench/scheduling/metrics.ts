// The apiserver's own view of its request latency: /metrics scraped before and after a run,
// apiserver_request_duration_seconds bucket deltas summed over the mutating verbs, and a
// quantile read off the cumulative buckets with linear interpolation inside the bucket that
// holds it (what Prometheus' histogram_quantile does).

import https from 'node:https';

// Upstream labels verbs POST/PUT/PATCH/DELETE; kubets labels them by authz verb (CREATE, UPDATE...): take both.
export const MUTATING_VERBS = ['POST', 'PUT', 'PATCH', 'DELETE', 'DELETECOLLECTION', 'APPLY', 'CREATE', 'UPDATE'];

/** le -> cumulative count, summed over every series whose verb is wanted. */
export type Buckets = Map<number, number>;

export function scrapeMetrics(url: string, tls: { ca: string; cert: string; key: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(new URL('/metrics', url), { ...tls, headers: { Accept: 'text/plain' } }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (c: string) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`/metrics answered ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

/** Every sample of one metric in Prometheus text: its labels and value. */
function samples(text: string, metric: string): { labels: Map<string, string>; value: number }[] {
  const re = new RegExp(`^${metric}\\{([^}]*)\\}\\s+(\\S+)`);
  const out: { labels: Map<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const labels = new Map<string, string>();
    for (const kv of m[1].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels.set(kv[1], kv[2]);
    out.push({ labels, value: Number(m[2]) });
  }
  return out;
}

export function durationBuckets(text: string, verbs: string[] = MUTATING_VERBS): Buckets {
  const out: Buckets = new Map();
  for (const { labels, value } of samples(text, 'apiserver_request_duration_seconds_bucket')) {
    if (!verbs.includes(labels.get('verb') ?? '')) continue;
    const leText = labels.get('le') ?? '';
    const le = leText === '+Inf' ? Infinity : Number(leText);
    out.set(le, (out.get(le) ?? 0) + value);
  }
  return out;
}

export function bucketDelta(after: Buckets, before: Buckets): Buckets {
  const out: Buckets = new Map();
  for (const [le, n] of after) out.set(le, n - (before.get(le) ?? 0));
  return out;
}

/** Requests counted, and the q-quantile in seconds (NaN with no requests). */
export function histogramQuantile(q: number, b: Buckets): { count: number; seconds: number } {
  const les = [...b.keys()].sort((x, y) => x - y);
  const count = b.get(Infinity) ?? 0;
  if (count === 0) return { count, seconds: NaN };
  const rank = q * count;
  let prevLe = 0;
  let prevN = 0;
  for (const le of les) {
    const n = b.get(le) ?? 0;
    if (n >= rank) {
      // In the +Inf bucket only the last finite bound is known: report it, as Prometheus does.
      if (le === Infinity) return { count, seconds: prevLe };
      const inBucket = n - prevN;
      return { count, seconds: inBucket > 0 ? prevLe + ((le - prevLe) * (rank - prevN)) / inBucket : le };
    }
    prevLe = le;
    prevN = n;
  }
  return { count, seconds: prevLe };
}

/** "VERB resource[/subresource]" -> requests, from apiserver_request_total (every verb). */
export function requestCounts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const { labels, value } of samples(text, 'apiserver_request_total')) {
    const sub = labels.get('subresource');
    const key = `${labels.get('verb')} ${labels.get('resource')}${sub ? `/${sub}` : ''}`;
    out.set(key, (out.get(key) ?? 0) + value);
  }
  return out;
}

/** after - before, largest first, zero rows dropped. */
export function countDelta(after: Map<string, number>, before: Map<string, number>): [string, number][] {
  return [...after].map(([k, n]): [string, number] => [k, n - (before.get(k) ?? 0)]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
}
