// Regenerates openapi/proto/k8s-types.json: the protobuf wire schema (message names, field
// numbers, types) of Kubernetes' built-in API types, read from the gzipped file descriptors
// that a kubectl binary embeds (kubectl up to v1.32 carries them; /usr/bin/kubectl here is
// v1.32.4; from v1.35 on the binaries no longer register descriptors). The apiserver needs it to decode request bodies that
// client-go's typed clients send as application/vnd.kubernetes.protobuf.
//
//   node --import=tsx openapi/proto/extract.ts /path/to/kubectl
//
// Only the wire facts are kept (protobufjs' JSON form, comments and options dropped).

import { readFileSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';

const WANTED = /^k8s\.io\/(api|apimachinery|apiextensions-apiserver|kube-aggregator)\/.*generated\.proto$/;

export function extractDescriptors(binary: Buffer): Buffer[] {
  const found = new Map<string, Buffer>();
  let i = 0;
  for (;;) {
    i = binary.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), i);
    if (i < 0) break;
    try {
      // One gzip member only (Node's gunzip would run on into the next descriptor): skip the
      // 10-byte header (Go writes no optional header fields) and inflate the raw stream.
      if (binary[i + 3] !== 0) {
        i += 3;
        continue;
      }
      const out = inflateRawSync(binary.subarray(i + 10, i + 4_000_000), { finishFlush: 2 });
      // A FileDescriptorProto starts with field 1 (name): 0x0a, length, name.
      if (out[0] === 0x0a) {
        const name = out.subarray(2, 2 + out[1]).toString('latin1');
        if (WANTED.test(name) && !found.has(name)) found.set(name, out);
      }
    } catch {
      // not a gzip stream after all
    }
    i += 3;
  }
  return [...found.values()];
}

function main(): void {
  const bin = process.argv[2];
  if (!bin) throw new Error('usage: extract.ts /path/to/kubectl');
  const files = extractDescriptors(readFileSync(bin));
  // One file per proto package (the binary may carry a package twice, e.g. vendored copies).
  const byPackage = new Map<string, unknown>();
  for (const f of files) {
    const fd = descriptor.FileDescriptorProto.decode(f) as unknown as { package?: string };
    if (!byPackage.has(fd.package ?? '')) byPackage.set(fd.package ?? '', fd);
  }
  const set = descriptor.FileDescriptorSet.create({ file: [...byPackage.values()] as never[] });
  const root = (protobuf.Root as unknown as { fromDescriptor(d: unknown): protobuf.Root }).fromDescriptor(set);
  const json = root.toJSON({ keepComments: false });
  strip(json);
  mapsFromEntries(json as JsonNode);
  const out = new URL('./k8s-types.json', import.meta.url);
  writeFileSync(out, JSON.stringify(json));
  process.stdout.write(`${files.length} descriptors -> ${out.pathname}\n`);
}

interface JsonNode {
  fields?: Record<string, { type: string; id: number; rule?: string; keyType?: string }>;
  nested?: Record<string, JsonNode>;
}

/**
 * Descriptors spell map<K,V> as a repeated nested XxxEntry {key, value}; protobufjs' JSON form
 * has real map fields (same wire format), which decode to objects.
 */
function mapsFromEntries(node: JsonNode): void {
  for (const [name, f] of Object.entries(node.fields ?? {})) {
    const entryName = f.type.split('.').pop() ?? '';
    const entry = node.nested?.[entryName];
    if (f.rule !== 'repeated' || !entryName.endsWith('Entry') || !entry?.fields?.key || !entry.fields.value) continue;
    node.fields![name] = { keyType: entry.fields.key.type, type: entry.fields.value.type, id: f.id };
    delete node.nested![entryName];
  }
  if (node.nested && Object.keys(node.nested).length === 0) delete node.nested;
  for (const child of Object.values(node.nested ?? {})) mapsFromEntries(child);
}

/** Drops options (go package names and the like): only names, ids and types remain. */
function strip(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  delete o.options;
  delete o.comment;
  for (const v of Object.values(o)) strip(v);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
