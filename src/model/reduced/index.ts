/** Model A — reduced-order ODE model of bipolar inclusion migration (MODEL.md §2). */
export * from './types.js';
export * from './shapeFactors.js';
export * from './extensionThreshold.js';
export * from './inclusionCurrent.js';
export * from './closedForm.js';
export * from './pressurisationLag.js';
export * from './defaultReducedParams.js';
export * from './simulateReduced.js';
export * from './currentProgramFromLog.js';
