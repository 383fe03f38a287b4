// The compiled bench's entry (./compiled.ts): benchScheduling with the options on argv.

import { benchScheduling } from '../scheduling.ts';

await benchScheduling(JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof benchScheduling>[0]);
