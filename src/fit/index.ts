/**
 * fit — bounded nonlinear least squares with uncertainties and identifiability (generic), and
 * the inclusion fit of the bipolar-migration model (MODEL.md §6, SPEC.md "Fit input and output").
 */
export * from './types.js';
export { solveBoundedLeastSquares, DEFAULT_LOCAL_SOLVE_OPTIONS } from './boundedLeastSquares.js';
export { multiStartLeastSquares, DEFAULT_MULTI_START_OPTIONS, type Basin, type MultiStartOptions, type MultiStartResult } from './multiStartLeastSquares.js';
export { covarianceFromJacobian, type CovarianceSummary } from './covarianceFromJacobian.js';
export { profileLikelihood, CHI2_1DOF_95, type ProfileResult, type ProfilePoint, type ProfileOptions } from './profileLikelihood.js';
export { identifiabilityIssue, type IdentifiabilityIssue, type IdentifiabilityThresholds } from './identifiabilityIssue.js';
export {
  fitLeastSquares,
  DEFAULT_FIT_OPTIONS,
  type FitOptions,
  type FitResult,
  type ParameterEstimate,
  type NotIdentifiable,
  type BootstrapRequest,
  type CiMethod,
} from './fitLeastSquares.js';
export { fixParameters } from './fixParameters.js';
export { sobolPoints, SOBOL_MAX_DIMENSION } from './sobolSequence.js';
export { seededRandom, type SeededRandom } from './seededRandom.js';
export { robustCost, robustWeights } from './robustLoss.js';
export { fitInclusion, PARAMETER_UNITS, type FitInclusionOptions, type InclusionFit, type InclusionSimulator, type ResidualRow } from './inclusion/fitInclusion.js';
export { fitReportJson } from './inclusion/fitReport.js';
export { parseModelFile, modelFileSchema, nearestKey, DEFAULT_BOUNDS, INCLUSION_FIT_PARAMETERS, type InclusionModelFile, type InclusionFitParameter } from './inclusion/modelFile.js';
export { parseInclusionsCsv, INCLUSION_CSV_COLUMNS, type InclusionObservation } from './inclusion/parseInclusionsCsv.js';
export { parseCurrentCsv, type CurrentLog } from './inclusion/parseCurrentCsv.js';
export { currentSegments, type CurrentSegments } from './inclusion/currentProgram.js';
export { estimateSigmaPosUm } from './inclusion/estimateSigmaPos.js';
export { fieldAxisUm } from './inclusion/fieldAxis.js';
