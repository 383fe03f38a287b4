import { serviceScenarios } from './services.scenarios.ts';
import { runNodeSuite } from '../node/suite.ts';

runNodeSuite(new URL('./services.scenarios.ts', import.meta.url).href, 'serviceScenarios', serviceScenarios);
