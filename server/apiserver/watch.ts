// Watch streams: newline-delimited JSON watch events over a chunked response, ended by the
// client, by timeoutSeconds, or by an ERROR event (e.g. 410 Gone).

import type { IncomingMessage, ServerResponse } from 'node:http';
import * as yaml from 'js-yaml';
import type { KubeObject, ResourceType } from '../../api/types.ts';
import { StatusError } from '../../api/meta/errors.ts';
import type { ApiContext } from './api-context.ts';
import type { Output } from './negotiate.ts';
import type { ListQuery } from './query.ts';
import type { GenericStore } from './registry/store.ts';
import type { RequestContext, WatchEvent } from './registry/types.ts';
import { partialObjectMetadata } from './output.ts';

const lineHeads = new Map<string, Buffer>();
const SLAB_BYTES = 64 * 1024;
let slab = Buffer.alloc(0);
let slabUsed = 0;

/**
 * One watch event's line around the watch cache's bytes, copied as they are: no string of the
 * object, no UTF-8 encoding per watcher. Lines are cut from a 64 KB slab rather than each in an
 * ArrayBuffer of its own (a few per pod event, ~1 us each); a slab lives until its lines are
 * written.
 */
export function rawEventLine(type: WatchEvent['type'], raw: Buffer): Buffer {
  let head = lineHeads.get(type);
  if (!head) lineHeads.set(type, (head = Buffer.from(`{"type":"${type}","object":`)));
  const n = head.length + raw.length + 2;
  if (slabUsed + n > slab.length) {
    slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, n));
    slabUsed = 0;
  }
  const line = slab.subarray(slabUsed, slabUsed + n);
  head.copy(line, 0);
  raw.copy(line, head.length);
  line[n - 2] = 0x7d; // }
  line[n - 1] = 0x0a; // \n
  slabUsed = (slabUsed + n + 7) & ~7;
  return line;
}

/**
 * A watcher that stops reading is closed, as upstream's cache closes one whose buffer stays
 * full ("forcing watcher close due to unresponsiveness"): once more than maxBufferedBytes wait
 * to be sent and none of them has left for stallMs, the connection is dropped and what it held
 * is freed. The client sees the stream end and watches again. A watch's initial events (its
 * whole state, up to ~140 MB at 30,000 pods) may wait longer while the client reads them.
 */
export const slowWatchers = { maxBufferedBytes: 16 * 1024 * 1024, stallMs: 10_000 };

export async function serveWatch(
  api: ApiContext,
  rt: ResourceType,
  engine: GenericStore,
  ctx: RequestContext,
  lq: ListQuery,
  predicate: ((o: KubeObject) => boolean) | undefined,
  out: Output,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let headersWritten = false;
  let firstTable = true;
  let ended = false;
  const tableOpts = { includeObject: (query.get('includeObject') as 'None' | 'Object' | 'Metadata' | null) ?? 'Metadata' } as const;

  const writeHead = () => {
    if (headersWritten) return;
    headersWritten = true;
    res.writeHead(200, {
      'Content-Type': out.format === 'yaml' ? 'application/yaml' : 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
  };

  const eventLine = (e: WatchEvent): string | Buffer => {
    if (out.as === 'Table' && e.type !== 'BOOKMARK' && e.type !== 'ERROR') {
      const table = api.toTable(rt, [e.object], new Date(), { ...tableOpts, noHeaders: !firstTable });
      firstTable = false;
      return JSON.stringify({ type: e.type, object: table }) + '\n';
    }
    if ((out.as === 'PartialObjectMetadata' || out.as === 'PartialObjectMetadataList') && e.type !== 'ERROR') {
      return JSON.stringify({ type: e.type, object: partialObjectMetadata(e.object, out.asVersion ?? 'v1') }) + '\n';
    }
    if (typeof e.raw === 'string') return `{"type":"${e.type}","object":${e.raw}}\n`;
    if (e.raw) return rawEventLine(e.type, e.raw);
    return JSON.stringify({ type: e.type, object: e.object }) + '\n';
  };

  // What was still waiting after the last write, and when some of it last left.
  let pendingAfterWrite = 0;
  let progressAt = performance.now();
  const unresponsive = (): boolean => {
    const pending = res.writableLength;
    const now = performance.now();
    if (pending < pendingAfterWrite || pending <= slowWatchers.maxBufferedBytes) {
      progressAt = now;
      return false;
    }
    return now - progressAt > slowWatchers.stallMs;
  };

  const write = (e: WatchEvent) => {
    if (ended) return;
    writeHead();
    if (unresponsive()) {
      api.watcherTerminated?.(rt, res.writableLength);
      ended = true;
      if (timer) clearTimeout(timer);
      handle?.stop();
      res.destroy();
      return;
    }
    const line = eventLine(e);
    res.write(out.format === 'yaml' ? yaml.dump(JSON.parse(line.toString())) + '---\n' : line);
    pendingAfterWrite = res.writableLength;
  };

  let handle: { stop(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const finish = () => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    handle?.stop();
    writeHead();
    res.end();
  };

  req.on('close', finish);
  res.on('close', finish);
  const seconds = lq.timeoutSeconds && lq.timeoutSeconds > 0 ? lq.timeoutSeconds : api.watchTimeoutSeconds();
  timer = setTimeout(finish, seconds * 1000);

  try {
    handle = await engine.watch(
      ctx,
      {
        resourceVersion: lq.resourceVersion,
        allowBookmarks: lq.allowWatchBookmarks,
        sendInitialEvents: lq.sendInitialEvents,
        predicate,
      },
      (e) => {
        write(e);
        if (e.type === 'ERROR') finish();
      },
      (err) => {
        if (err instanceof StatusError) write({ type: 'ERROR', object: err.toStatus() as unknown as KubeObject });
        finish();
      },
    );
    if (ended) handle.stop();
    else writeHead();
  } catch (e) {
    // A watch that cannot start (e.g. 410 for a compacted resourceVersion) is, as upstream's
    // watch cache does it, a stream with one ERROR event; anything else is a plain error reply.
    if (e instanceof StatusError && e.code === 410) {
      write({ type: 'ERROR', object: e.toStatus() as unknown as KubeObject });
      finish();
      return;
    }
    if (timer) clearTimeout(timer);
    ended = true;
    if (!headersWritten) throw e;
    res.end();
  }
}
