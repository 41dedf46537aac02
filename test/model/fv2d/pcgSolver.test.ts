import { describe, expect, it } from 'vitest';
import { staircasePolyline } from '../../../src/model/fv2d/crackFaces.js';
import { CrackSolver, FACE_EMPTY, FACE_LI } from '../../../src/model/fv2d/crackSolver.js';
import type { FaceKinetics } from '../../../src/model/fv2d/faceKinetics.js';
import { createGrid } from '../../../src/model/fv2d/grid.js';
import { CrackPcgSolver } from '../../../src/model/fv2d/pcgSolver.js';

const SIGMA = 0.1;
const F_PER_V = 1 / 0.0256926;

describe('fv2d Newton–PCG full-field solver', () => {
  it('agrees with the capacitance-matrix solver (BV, tilted crack with an empty part, floating) and converges in few CG iterations', () => {
    const g = createGrid(800e-6, 400e-6, 5e-6);
    const faces = staircasePolyline(g, [360e-6, 440e-6], [120e-6, 280e-6]);
    const n = faces.cellA.length;
    const status = new Uint8Array(n).fill(FACE_LI);
    for (let f = 0; f < n; f++) if (faces.sM[f] < 0.2 * faces.sM[n - 1]) status[f] = FACE_EMPTY;
    const kin: FaceKinetics = { kind: 'bv', j0APerM2: 20, alphaA: 0.4, fPerV: F_PER_V };
    const threshold = new Float64Array(n).fill(1e-3);
    const vV = (-20 * g.gapM) / SIGMA;
    const pcg = new CrackPcgSolver(g, SIGMA, faces).solve({ status, conductor: { kind: 'floating' }, vV, kinetics: kin, depositionThresholdV: threshold, cgRelTol: 1e-10 });
    const cap = new CrackSolver(g, SIGMA, faces).solve({
      status,
      conductorOfFace: new Int32Array(n),
      conductors: [{ kind: 'floating' }],
      drive: { mode: 'voltage', vV },
      kinetics: kin,
      depositionThresholdV: threshold,
    });
    let scale = 0;
    for (let f = 0; f < n; f++) scale = Math.max(scale, Math.abs(cap.faceCurrentA[f]), Math.abs(cap.faceCurrentB[f]));
    expect(scale).toBeGreaterThan(0);
    for (let f = 0; f < n; f++) {
      expect(Math.abs(pcg.faceCurrentA[f] - cap.faceCurrentA[f])).toBeLessThan(1e-7 * scale);
      expect(Math.abs(pcg.faceCurrentB[f] - cap.faceCurrentB[f])).toBeLessThan(1e-7 * scale);
    }
    expect(Math.abs(pcg.metalPotentialV - cap.conductorPotentialV[0])).toBeLessThan(1e-9);
    // the fast-Poisson preconditioner keeps CG far below Jacobi-PCG counts (MODEL.md §4.3: ~10³)
    expect(Math.max(...pcg.cgIterations)).toBeLessThan(80);
  });
});
