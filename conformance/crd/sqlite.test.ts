// The CRD scenarios with kubectl v1.32 and v1.35 against kubets on SQLite.

import { crdScenarios } from './crd.scenarios.ts';
import { runScenarios } from '../kubectl/suite.ts';

runScenarios('sqlite', crdScenarios);
