import test from 'ava';
import { readFileSync } from 'node:fs';
import { checkTool } from '../../testing/tools.ts';
import { protoPath } from './client.ts';
import { compareProto, criDescriptor } from './descriptor.ts';

const tool = checkTool('containerd');
const ours = readFileSync(protoPath(), 'utf8');

test('api.proto matches, field by field, the runtime.v1 API compiled into the installed containerd', (t) => {
  if (tool.skipReason) return t.pass(tool.skipReason);
  const real = criDescriptor(tool.path);
  t.truthy(real, `no runtime.v1 descriptor found in ${tool.path}`);
  const { mismatches, fields } = compareProto(ours, real!);
  t.deepEqual(mismatches, []);
  t.true(fields > 150, `only ${fields} fields compared`);
});

test('the comparison catches a wrong field number, a wrong type and an unknown field', (t) => {
  if (tool.skipReason) return t.pass(tool.skipReason);
  const real = criDescriptor(tool.path)!;
  const broken = ours
    .replace('string pod_sandbox_id = 1;\n  ContainerConfig config = 2;', 'string pod_sandbox_id = 1;\n  ContainerConfig config = 7;')
    .replace('int32 exit_code = 7;', 'int64 exit_code = 7;')
    .replace('string runtime_api_version = 4;', 'string runtime_api_version = 4;\n  string flavour = 5;');
  const { mismatches } = compareProto(broken, real);
  t.deepEqual(mismatches.sort(), [
    "ContainerStatus.exit_code: ours #7 int64, runtime's #7 int32",
    "CreateContainerRequest.config: ours #7 ContainerConfig, runtime's #2 ContainerConfig",
    "VersionResponse.flavour is not in the runtime's API",
  ]);
});
