import { podScenarios } from './pods.scenarios.ts';
import { runNodeSuite } from './suite.ts';

runNodeSuite(new URL('./pods.scenarios.ts', import.meta.url).href, 'podScenarios', podScenarios);
