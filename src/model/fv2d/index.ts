/**
 * Model B — 2-D cell-centred finite-volume model of Li inclusions and dendrites in the
 * electrolyte gap (MODEL.md §4): fast-Poisson solver, cracks as zero-thickness faces,
 * capacitance-matrix Newton for the quasi-static state, moving interface with a Li ledger.
 */
export { createFftPlan, type FftPlan } from './fftPlan.js';
export { TrigTransform } from './trigTransform.js';
export { createGrid, cellIndex, type Fv2dGrid } from './grid.js';
export { FastPoissonSolver, applyCrackFreeOperator } from './fastPoisson.js';
export { greenMatrix } from './greenMatrix.js';
export { staircasePolyline, staircaseDisc, type CrackFaces } from './crackFaces.js';
export { evaluateFaceCurrent, type FaceKinetics, type FaceCurrent } from './faceKinetics.js';
export {
  CrackSolver,
  FACE_INTACT,
  FACE_EMPTY,
  FACE_LI,
  type Conductor,
  type ElectrodeDrive,
  type CrackSolveInput,
  type CrackSolution,
} from './crackSolver.js';
export { netCellOutflow } from './crackedOperator.js';
export { simulateFv2d, simulateFv2dWithStats, checkFv2dOptions, type Fv2dOptions, type Fv2dRunStats } from './simulateFv2d.js';
export { CrackPcgSolver, type PcgConductor, type PcgSolveInput, type PcgSolution } from './pcgSolver.js';
