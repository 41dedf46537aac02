import { ConfigError } from '../../core/errors.js';

/**
 * Uniform cell-centred grid on Ω = [0, W] × [0, d] (per unit depth).
 *
 * Cell (i, j) has centre ((i + ½)Δ, (j + ½)Δ) and linear index k = j·nx + i (x fastest).
 * The electrodes are the faces y = 0 (electrode A, φ = 0) and y = d (electrode B, φ = V);
 * the side walls x = 0 and x = W carry no flux.
 */
export interface Fv2dGrid {
  /** Cells along x (across the gap). */
  readonly nx: number;
  /** Cells along y (electrode to electrode). */
  readonly ny: number;
  /** Cell size Δ [m]. */
  readonly spacingM: number;
  /** Domain width W = nx·Δ [m]. */
  readonly widthM: number;
  /** Electrode gap d = ny·Δ [m]. */
  readonly gapM: number;
}

/**
 * Create a grid; W and d must be integer multiples of Δ (within 1e-6 of a cell), else ConfigError.
 * @param widthM W [m]
 * @param gapM d [m]
 * @param spacingM Δ [m]
 */
export function createGrid(widthM: number, gapM: number, spacingM: number): Fv2dGrid {
  if (!(spacingM > 0) || !(widthM > 0) || !(gapM > 0)) {
    throw new ConfigError(`fv2d grid: widthM, gapM and spacingM must be > 0, got ${widthM}, ${gapM}, ${spacingM}`, 'give the domain and cell size in metres');
  }
  const nx = Math.round(widthM / spacingM);
  const ny = Math.round(gapM / spacingM);
  if (Math.abs(nx * spacingM - widthM) > 1e-6 * spacingM || Math.abs(ny * spacingM - gapM) > 1e-6 * spacingM) {
    throw new ConfigError(
      `fv2d grid: widthM (${widthM}) and gapM (${gapM}) must be integer multiples of spacingM (${spacingM})`,
      `choose spacingM = W/${nx} or adjust the domain`,
    );
  }
  if (nx < 2 || ny < 2) throw new ConfigError(`fv2d grid: need at least 2×2 cells, got ${nx}×${ny}`, 'use a smaller spacingM');
  return { nx, ny, spacingM, widthM: nx * spacingM, gapM: ny * spacingM };
}

/** Linear cell index of cell (i, j). */
export function cellIndex(grid: Fv2dGrid, i: number, j: number): number {
  return j * grid.nx + i;
}
