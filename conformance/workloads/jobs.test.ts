// Jobs, CronJobs and EndpointSlices with real kubectl against kubets on SQLite with three
// simulated nodes.

import { jobScenarios } from './jobs.scenarios.ts';
import { runWorkloads } from './suite.ts';

runWorkloads('sqlite', jobScenarios);
