import type { CrackFaces } from './crackFaces.js';
import { FACE_INTACT } from './crackSolver.js';
import { applyCrackFreeOperator } from './fastPoisson.js';
import type { Fv2dGrid } from './grid.js';

/**
 * Net ionic current [A/m] leaving each cell through the electrolyte for potentials φ, with
 * electrode A at 0 V, electrode B at vV, and the conductance of every non-intact crack face
 * removed: out = K φ − b_V. At a solution it equals the metal current injected into each cell.
 * @param grid FV grid
 * @param sigmaSPerM σ [S/m]
 * @param vV electrode B potential [V]
 * @param faces crack faces
 * @param status per-face status (FACE_INTACT faces keep their conductance)
 * @param phi cell potentials [V]
 * @param out result [A/m]
 */
export function netCellOutflow(
  grid: Fv2dGrid,
  sigmaSPerM: number,
  vV: number,
  faces: CrackFaces,
  status: Uint8Array,
  phi: Float64Array,
  out: Float64Array = new Float64Array(phi.length),
): Float64Array {
  applyCrackFreeOperator(grid, sigmaSPerM, phi, out);
  const top = (grid.ny - 1) * grid.nx;
  for (let i = 0; i < grid.nx; i++) out[top + i] -= 2 * sigmaSPerM * vV;
  for (let f = 0; f < faces.cellA.length; f++) {
    if (status[f] === FACE_INTACT) continue;
    const a = faces.cellA[f];
    const b = faces.cellB[f];
    const q = sigmaSPerM * (phi[a] - phi[b]);
    out[a] -= q;
    out[b] += q;
  }
  return out;
}
