import type { CrackFaces } from './crackFaces.js';
import { FACE_INTACT, FACE_LI } from './crackSolver.js';
import { evaluateFaceCurrent, type FaceCurrent, type FaceKinetics } from './faceKinetics.js';
import { FastPoissonSolver, applyCrackFreeOperator } from './fastPoisson.js';
import type { Fv2dGrid } from './grid.js';

/** One Li body for the full-field solver: 'floating' (Σ I = 0) or held at a fixed potential. */
export type PcgConductor = { kind: 'floating' } | { kind: 'fixed'; potentialV: number };

/** Input of solveCrackedNewtonPcg (electrode A at 0 V, electrode B at vV; one conductor on all Li faces). */
export interface PcgSolveInput {
  status: Uint8Array;
  conductor: PcgConductor;
  vV: number;
  kinetics: FaceKinetics;
  /** Deposition threshold per face [V] (default none). */
  depositionThresholdV?: Float64Array;
  /** CG relative residual tolerance (default 1e-8, as MODEL.md §4.3 measured). */
  cgRelTol?: number;
  /** Newton tolerance on |Δφ|, |ΔΦ| [V] (default 1e-10). */
  newtonTolV?: number;
  /** Start from this field / metal potential. */
  phi0?: Float64Array;
  metalPotential0V?: number;
}

/** Result of solveCrackedNewtonPcg. */
export interface PcgSolution {
  phi: Float64Array;
  metalPotentialV: number;
  /** Metal → electrolyte current of side A / side B of each face [A/m]. */
  faceCurrentA: Float64Array;
  faceCurrentB: Float64Array;
  newtonIterations: number;
  /** CG iterations of every linear solve, in order (two per Newton step for a floating body). */
  cgIterations: number[];
}

/**
 * Full-field alternative to CrackSolver (MODEL.md §4.3 first row): Newton on (φ, Φ) over all
 * cells, each Jacobian system K + D (cracked FV operator plus the diagonal metal conductances)
 * solved by conjugate gradients preconditioned with the exact crack-free inverse K0⁻¹
 * (FastPoissonSolver); the floating potential is eliminated by the Schur complement (two CG
 * solves with the same operator and one scalar per step), with |ΔΦ| ≤ 2RT/F.
 * Slower than the capacitance method for a fixed crack path but independent of it: used as a
 * cross-check and for the iteration counts of the benchmark.
 */
export class CrackPcgSolver {
  readonly grid: Fv2dGrid;
  readonly sigmaSPerM: number;
  readonly faces: CrackFaces;
  readonly fastPoisson: FastPoissonSolver;
  private readonly fc: FaceCurrent = { j: 0, djdx: 0 };

  constructor(grid: Fv2dGrid, sigmaSPerM: number, faces: CrackFaces) {
    this.grid = grid;
    this.sigmaSPerM = sigmaSPerM;
    this.faces = faces;
    this.fastPoisson = new FastPoissonSolver(grid, sigmaSPerM);
  }

  /** y = (K + diag(d))·x for the cracked operator with homogeneous electrodes. */
  private applyA(status: Uint8Array, diag: Float64Array, x: Float64Array, y: Float64Array): void {
    applyCrackFreeOperator(this.grid, this.sigmaSPerM, x, y);
    const { cellA, cellB } = this.faces;
    for (let f = 0; f < cellA.length; f++) {
      if (status[f] === FACE_INTACT) continue;
      const a = cellA[f];
      const b = cellB[f];
      const q = this.sigmaSPerM * (x[a] - x[b]);
      y[a] -= q;
      y[b] += q;
    }
    for (let k = 0; k < x.length; k++) y[k] += diag[k] * x[k];
  }

  /** Preconditioned CG for (K + D) x = b; returns the iteration count. */
  private pcg(status: Uint8Array, diag: Float64Array, b: Float64Array, x: Float64Array, relTol: number): number {
    const n = b.length;
    const r = new Float64Array(n);
    const z = new Float64Array(n);
    const p = new Float64Array(n);
    const q = new Float64Array(n);
    this.applyA(status, diag, x, q);
    let bn = 0;
    for (let k = 0; k < n; k++) {
      r[k] = b[k] - q[k];
      bn += b[k] * b[k];
    }
    bn = Math.sqrt(bn);
    if (bn === 0) {
      x.fill(0);
      return 0;
    }
    this.fastPoisson.solve(r, z);
    p.set(z);
    let rz = 0;
    for (let k = 0; k < n; k++) rz += r[k] * z[k];
    for (let it = 1; it <= 10 * n; it++) {
      this.applyA(status, diag, p, q);
      let pq = 0;
      for (let k = 0; k < n; k++) pq += p[k] * q[k];
      const alpha = rz / pq;
      let rn = 0;
      for (let k = 0; k < n; k++) {
        x[k] += alpha * p[k];
        r[k] -= alpha * q[k];
        rn += r[k] * r[k];
      }
      if (Math.sqrt(rn) <= relTol * bn) return it;
      this.fastPoisson.solve(r, z);
      let rzNew = 0;
      for (let k = 0; k < n; k++) rzNew += r[k] * z[k];
      const beta = rzNew / rz;
      rz = rzNew;
      for (let k = 0; k < n; k++) p[k] = z[k] + beta * p[k];
    }
    throw new Error('CrackPcgSolver: CG did not converge');
  }

  /** Newton–PCG solve of one quasi-static state (see PcgSolveInput). */
  solve(input: PcgSolveInput): PcgSolution {
    const { grid, faces } = this;
    const sigma = this.sigmaSPerM;
    const n = grid.nx * grid.ny;
    const h = grid.spacingM;
    const rHalf = h / (2 * sigma);
    const { status, kinetics, vV } = input;
    const thr = input.depositionThresholdV;
    const relTol = input.cgRelTol ?? 1e-8;
    const tolV = input.newtonTolV ?? 1e-10;
    const floating = input.conductor.kind === 'floating';
    const phi = input.phi0 ? input.phi0.slice() : new Float64Array(n);
    if (!input.phi0) for (let k = 0; k < n; k++) phi[k] = (vV * (Math.floor(k / grid.nx) + 0.5) * h) / grid.gapM;
    let metal = input.conductor.kind === 'fixed' ? input.conductor.potentialV : (input.metalPotential0V ?? 0.5 * vV);
    const nf = faces.cellA.length;
    const faceIA = new Float64Array(nf);
    const faceIB = new Float64Array(nf);
    const cg: number[] = [];
    const diag = new Float64Array(n);
    const gvec = new Float64Array(n); // ∂(metal current into cell)/∂Φ
    const res = new Float64Array(n);
    const top = (grid.ny - 1) * grid.nx;
    let it = 0;
    for (; it < 100; it++) {
      // residual R = K φ − b − I_metal(φ, Φ) and Jacobian pieces
      this.applyA(status, diag.fill(0), phi, res);
      for (let i = 0; i < grid.nx; i++) res[top + i] -= 2 * sigma * vV;
      gvec.fill(0);
      let rFloat = 0;
      for (let f = 0; f < nf; f++) {
        faceIA[f] = 0;
        faceIB[f] = 0;
        if (status[f] !== FACE_LI) continue;
        const area = h * faces.weight[f];
        for (const side of [0, 1]) {
          const c = side === 0 ? faces.cellA[f] : faces.cellB[f];
          evaluateFaceCurrent(kinetics, metal - phi[c], rHalf, this.fc, thr ? thr[f] : 0);
          const I = area * this.fc.j;
          if (side === 0) faceIA[f] = I;
          else faceIB[f] = I;
          res[c] -= I;
          diag[c] += area * this.fc.djdx;
          gvec[c] += area * this.fc.djdx;
          rFloat += I;
        }
      }
      // Newton: (K + D) δφ − g δΦ = −R ;  Σ g (δΦ − δφ) = −R_f  (floating only)
      const rhs = new Float64Array(n);
      for (let k = 0; k < n; k++) rhs[k] = -res[k];
      const u = new Float64Array(n);
      cg.push(this.pcg(status, diag, rhs, u, relTol));
      let dPhiM = 0;
      if (floating) {
        const w = new Float64Array(n);
        cg.push(this.pcg(status, diag, gvec, w, relTol));
        let gSum = 0;
        let gw = 0;
        let gu = 0;
        for (let k = 0; k < n; k++) {
          if (gvec[k] === 0) continue;
          gSum += gvec[k];
          gw += gvec[k] * w[k];
          gu += gvec[k] * u[k];
        }
        dPhiM = (-rFloat + gu) / (gSum - gw);
        const lim = 2 / kinetics.fPerV;
        if (kinetics.kind === 'bv' && Math.abs(dPhiM) > lim) dPhiM = Math.sign(dPhiM) * lim;
        for (let k = 0; k < n; k++) u[k] += dPhiM * w[k];
        metal += dPhiM;
      }
      let maxStep = Math.abs(dPhiM);
      for (let k = 0; k < n; k++) {
        phi[k] += u[k];
        maxStep = Math.max(maxStep, Math.abs(u[k]));
      }
      if (maxStep <= tolV) {
        it++;
        break;
      }
    }
    // final currents at the converged state
    for (let f = 0; f < nf; f++) {
      if (status[f] !== FACE_LI) continue;
      const area = h * faces.weight[f];
      faceIA[f] = area * evaluateFaceCurrent(kinetics, metal - phi[faces.cellA[f]], rHalf, this.fc, thr ? thr[f] : 0).j;
      faceIB[f] = area * evaluateFaceCurrent(kinetics, metal - phi[faces.cellB[f]], rHalf, this.fc, thr ? thr[f] : 0).j;
    }
    return { phi, metalPotentialV: metal, faceCurrentA: faceIA, faceCurrentB: faceIB, newtonIterations: it, cgIterations: cg };
  }
}
