/**
 * src/render — synthetic operando recordings with exact ground truth (`lidtrack simulate`).
 */
export { renderScenario, TRUTH_FILES, type RenderOptions, type RenderResult } from './renderScenario.js';
export { loadScenario, parseScenarioYaml, validateScenario } from './parseScenario.js';
export { scenarioSchema, type Scenario, type DendriteSpec, type BranchSpec, type InclusionSpec } from './scenarioSchema.js';
export { buildScene, type Scene } from './buildScene.js';
export { renderFrame, renderIdealFrame, gaussianBlur } from './renderFrame.js';
export { frameTruth, interfaceTruth, type FrameTruth, type DendriteTruth, type InclusionFrameTruth, type TipTruth } from './groundTruth.js';
export { frameTimes, type FrameTimes } from './frameTimes.js';
export { openTiffStack, type TiffStackWriter } from './tiffStackWriter.js';
export { videoFileName } from './frameSink.js';
export { syntheticFrameSource } from './syntheticFrameSource.js';
export { modelTrajectory } from './modelTrajectory.js';
