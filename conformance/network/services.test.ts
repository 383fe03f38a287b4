import { networkScenarios } from './all.scenarios.ts';
import { runNodeSuite } from '../node/suite.ts';

// One cluster for all of them: starting a node costs more than the scenarios.
runNodeSuite(new URL('./all.scenarios.ts', import.meta.url).href, 'networkScenarios', networkScenarios);
