// The CRI API as the installed containerd really speaks it: containerd's binary carries the
// gzipped FileDescriptorProto of each .proto it serves; `criDescriptor` finds the runtime.v1
// one and `compareProto` checks a hand-written .proto against it, field by field (number,
// type, repeated), enum by enum and method by method. Used by the test of api.proto.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

interface FieldDesc {
  name: string;
  number: number;
  label?: string;
  type?: string;
  typeName?: string;
}
interface MessageDesc {
  name: string;
  field?: FieldDesc[];
  nestedType?: MessageDesc[];
}
interface FileDesc {
  name?: string;
  package?: string;
  messageType?: MessageDesc[];
  enumType?: { name: string; value?: { name: string; number?: number }[] }[];
  service?: { name: string; method?: { name: string; inputType: string; outputType: string }[] }[];
}

function fileDescriptorType(): protobuf.Type {
  const json = require('protobufjs/google/protobuf/descriptor.json') as protobuf.INamespace;
  return protobuf.Root.fromJSON(json).lookupType('google.protobuf.FileDescriptorProto');
}

/** The runtime.v1 FileDescriptorProto embedded in a containerd binary, or undefined. */
export function criDescriptor(binary = '/usr/bin/containerd', pkg = 'runtime.v1'): FileDesc | undefined {
  const data = readFileSync(binary);
  const FDP = fileDescriptorType();
  const magic = Buffer.from([0x1f, 0x8b, 0x08]);
  for (let i = data.indexOf(magic); i >= 0; i = data.indexOf(magic, i + 3)) {
    let out: Buffer;
    try {
      out = gunzipSync(data.subarray(i, i + 262_144), { finishFlush: 2 /* Z_SYNC_FLUSH */ });
    } catch {
      continue;
    }
    if (!out.includes('RuntimeService')) continue;
    let fd: FileDesc;
    try {
      fd = FDP.toObject(FDP.decode(out), { enums: String }) as FileDesc;
    } catch {
      continue;
    }
    if (fd.package === pkg) return fd;
  }
  return undefined;
}

const SCALAR: Record<string, string> = {
  TYPE_STRING: 'string',
  TYPE_BOOL: 'bool',
  TYPE_INT32: 'int32',
  TYPE_INT64: 'int64',
  TYPE_UINT32: 'uint32',
  TYPE_UINT64: 'uint64',
  TYPE_BYTES: 'bytes',
  TYPE_DOUBLE: 'double',
  TYPE_FLOAT: 'float',
};

/** Every difference between `protoText` (package `pkg`) and the real descriptor, as sentences; [] when none. */
export function compareProto(protoText: string, real: FileDesc, pkg = 'runtime.v1'): { mismatches: string[]; fields: number } {
  const mine = protobuf.parse(protoText, { keepCase: true }).root.lookup(pkg) as protobuf.Namespace;
  const messages = new Map((real.messageType ?? []).map((m) => [m.name, m]));
  const enums = new Map((real.enumType ?? []).map((e) => [e.name, e]));
  const bad: string[] = [];
  let fields = 0;
  const strip = (t: string) => t.replace(`.${pkg}.`, '');
  for (const t of mine.nestedArray) {
    if (t instanceof protobuf.Type) {
      const r = messages.get(t.name);
      if (!r) {
        bad.push(`message ${t.name} is not in the runtime's API`);
        continue;
      }
      for (const f of t.fieldsArray) {
        fields++;
        const rf = (r.field ?? []).find((x) => x.name === f.name);
        if (!rf) {
          bad.push(`${t.name}.${f.name} is not in the runtime's API`);
          continue;
        }
        const realRepeated = rf.label === 'LABEL_REPEATED';
        const realType = rf.typeName ? strip(rf.typeName) : SCALAR[rf.type ?? ''] ?? rf.type;
        const entry = f instanceof protobuf.MapField ? r.nestedType?.find((n) => `${t.name}.${n.name}` === realType) : undefined;
        let ok = rf.number === f.id;
        if (f instanceof protobuf.MapField) {
          const kv = entry?.field ?? [];
          ok &&= realRepeated && !!entry && SCALAR[kv[0]?.type ?? ''] === f.keyType && (SCALAR[kv[1]?.type ?? ''] ?? strip(kv[1]?.typeName ?? '')) === f.type;
        } else {
          ok &&= realRepeated === f.repeated && realType === f.type;
        }
        if (!ok) bad.push(`${t.name}.${f.name}: ours #${f.id} ${f.repeated ? 'repeated ' : ''}${f instanceof protobuf.MapField ? `map<${f.keyType},${f.type}>` : f.type}, runtime's #${rf.number} ${realRepeated ? 'repeated ' : ''}${realType}`);
      }
    } else if (t instanceof protobuf.Enum) {
      const r = enums.get(t.name);
      if (!r) {
        bad.push(`enum ${t.name} is not in the runtime's API`);
        continue;
      }
      for (const [k, v] of Object.entries(t.values)) {
        const rv = r.value?.find((x) => x.name === k);
        if (!rv || (rv.number ?? 0) !== v) bad.push(`enum ${t.name}.${k} = ${v}, runtime's ${rv ? rv.number ?? 0 : 'absent'}`);
      }
    } else if (t instanceof protobuf.Service) {
      const r = real.service?.find((s) => s.name === t.name);
      for (const m of t.methodsArray) {
        const rm = r?.method?.find((x) => x.name === m.name);
        if (!rm || strip(rm.inputType) !== m.requestType || strip(rm.outputType) !== m.responseType) bad.push(`rpc ${t.name}.${m.name} differs from the runtime's`);
      }
    }
  }
  return { mismatches: bad, fields };
}
