import type { CrackFaces } from './crackFaces.js';
import { luSolveInPlace } from './denseLu.js';
import { evaluateFaceCurrent, type FaceCurrent, type FaceKinetics } from './faceKinetics.js';
import { FastPoissonSolver } from './fastPoisson.js';
import { greenMatrix } from './greenMatrix.js';
import type { Fv2dGrid } from './grid.js';

/** Face status: not cracked (full conductance), empty crack (insulating), Li-filled crack. */
export const FACE_INTACT = 0;
export const FACE_EMPTY = 1;
export const FACE_LI = 2;

/**
 * A metal body touching Li faces. 'floating': Φ fixed by Σ I = 0 (an isolated inclusion or
 * island); 'electrodeA' / 'electrodeB': Φ equals that electrode's potential (a dendrite);
 * 'fixed': Φ given.
 */
export type Conductor =
  | { kind: 'floating' }
  | { kind: 'electrodeA' }
  | { kind: 'electrodeB' }
  | { kind: 'fixed'; potentialV: number };

/**
 * Cell drive: electrode B potential V given (electrode A at 0 V), or V unknown and fixed by the
 * current per unit area j_n [A/m²] crossing electrode A along +y (so V ≈ −j_n·d/σ).
 */
export type ElectrodeDrive = { mode: 'voltage'; vV: number } | { mode: 'current'; jnAPerM2: number };

/** One quasi-static state of the cracks to solve for. Per-face arrays have faces.length entries. */
export interface CrackSolveInput {
  /** FACE_INTACT / FACE_EMPTY / FACE_LI per face. */
  status: Uint8Array;
  /** Conductor index of each Li face. */
  conductorOfFace: Int32Array;
  conductors: readonly Conductor[];
  drive: ElectrodeDrive;
  kinetics: FaceKinetics;
  /** Equilibrium potential of the Li on each face (E_eq = −V_m p/F) [V]; default 0. */
  eEqV?: Float64Array;
  /** Deposition threshold η_th of each face [V] (see evaluateFaceCurrent); default 0. */
  depositionThresholdV?: Float64Array;
  /** Bit 1: side A of the face touches the metal, bit 2: side B; default 3 (both). */
  sides?: Uint8Array;
  /** Previous solution to start Newton from. */
  warmStart?: CrackSolution;
  /** Newton tolerance on the scaled residual [V], relative to max(|V|, RT/F); default 1e-12. */
  relTol?: number;
  /** Iteration cap; default 60. */
  maxIterations?: number;
}

/** Converged quasi-static solution. Currents are per unit depth [A/m], anodic (metal → electrolyte) positive. */
export interface CrackSolution {
  /** Electrode B potential [V]. */
  vV: number;
  /** Current through the cell per unit depth, entering at electrode A along +y [A/m]. */
  cellCurrentAPerM: number;
  /** Metal potential of each conductor [V] (NaN for a floating conductor without Li faces). */
  conductorPotentialV: Float64Array;
  /** Current from the metal into the cell on side A / side B of each face [A/m]. */
  faceCurrentA: Float64Array;
  faceCurrentB: Float64Array;
  /** Potential of every cell of the face set [V] (index as CrackSolver.cells). */
  cellPotentialV: Float64Array;
  /** Net source injected into each face-set cell relative to the crack-free operator [A/m]. */
  cellSourceAPerM: Float64Array;
  /** Newton iterations used. */
  iterations: number;
  /** Whether the scaled residual reached relTol within maxIterations. */
  converged: boolean;
}

/**
 * Quasi-static solver for cracks on a fixed set of candidate faces, by the capacitance-matrix
 * (Woodbury) method of MODEL.md §4.3: the crack-free operator K0 is inverted exactly, the
 * crack enters only through sources on the cells S next to the cracked faces, and Newton on
 * (φ_S, Φ, V) works on a dense system of order |S| + #floating + 1:
 *
 *   φ_S = V·ψ_S + G·C(φ_S, Φ, V),  Σ_faces I = 0 per floating conductor,  I_A(V, C) = j_n·W,
 *
 * with G = (K0⁻¹)_SS (computed once per face set), ψ = y/d the crack-free unit solution and
 * C = σ(φ_a − φ_b) on both cells of each cracked face (removes its conductance) plus the
 * metal currents of Li faces. Li/empty status, kinetics and E_eq change only C, never G.
 */
export class CrackSolver {
  readonly grid: Fv2dGrid;
  readonly sigmaSPerM: number;
  readonly faces: CrackFaces;
  /** Unique cells adjacent to the faces. */
  readonly cells: Int32Array;
  /** Slot in `cells` of each face's cell A / cell B. */
  readonly slotA: Int32Array;
  readonly slotB: Int32Array;
  /** G = (K0⁻¹)_SS, row-major |S|×|S|. */
  readonly green: Float64Array;
  /** Crack-free unit solution ψ = y/d at each cell of S, and u = 1 − ψ (share of a source collected by electrode A). */
  private readonly psi: Float64Array;
  private fastPoisson: FastPoissonSolver | null = null;
  private readonly fc: FaceCurrent = { j: 0, djdx: 0 };

  constructor(grid: Fv2dGrid, sigmaSPerM: number, faces: CrackFaces) {
    this.grid = grid;
    this.sigmaSPerM = sigmaSPerM;
    this.faces = faces;
    const slot = new Map<number, number>();
    const cells: number[] = [];
    const nf = faces.cellA.length;
    this.slotA = new Int32Array(nf);
    this.slotB = new Int32Array(nf);
    const slotOf = (c: number): number => {
      let s = slot.get(c);
      if (s === undefined) {
        s = cells.length;
        slot.set(c, s);
        cells.push(c);
      }
      return s;
    };
    for (let f = 0; f < nf; f++) {
      this.slotA[f] = slotOf(faces.cellA[f]);
      this.slotB[f] = slotOf(faces.cellB[f]);
    }
    this.cells = Int32Array.from(cells);
    this.green = greenMatrix(grid, sigmaSPerM, this.cells);
    this.psi = new Float64Array(cells.length);
    for (let s = 0; s < cells.length; s++) {
      const j = Math.floor(cells[s] / grid.nx);
      this.psi[s] = ((j + 0.5) * grid.spacingM) / grid.gapM;
    }
  }

  /** Solve one quasi-static state (see CrackSolveInput). */
  solve(input: CrackSolveInput): CrackSolution {
    const { grid, faces, green, psi } = this;
    const sigma = this.sigmaSPerM;
    const nf = faces.cellA.length;
    const nS = this.cells.length;
    const h = grid.spacingM;
    const rHalf = h / (2 * sigma);
    const W = grid.widthM;
    const d = grid.gapM;
    const { status, conductorOfFace, conductors, drive, kinetics } = input;
    const eEq = input.eEqV;
    const thr = input.depositionThresholdV;
    const sides = input.sides;
    const relTol = input.relTol ?? 1e-12;
    const maxIt = input.maxIterations ?? 60;
    const thermalV = 1 / kinetics.fPerV;

    // ---- 1. active cells and unknown layout
    const activeOf = new Int32Array(nS).fill(-1);
    const act: number[] = [];
    const liCount = new Int32Array(conductors.length);
    for (let f = 0; f < nf; f++) {
      if (status[f] === FACE_INTACT) continue;
      for (const s of [this.slotA[f], this.slotB[f]]) {
        if (activeOf[s] < 0) {
          activeOf[s] = act.length;
          act.push(s);
        }
      }
      if (status[f] === FACE_LI) liCount[conductorOfFace[f]]++;
    }
    const nA = act.length;
    const unkOfCond = new Int32Array(conductors.length).fill(-1);
    let nU = nA;
    conductors.forEach((c, i) => {
      if (c.kind === 'floating' && liCount[i] > 0) unkOfCond[i] = nU++;
    });
    const currentMode = drive.mode === 'current';
    const vIdx = currentMode ? nU++ : -1;
    const gAct = new Float64Array(nA * nA);
    for (let r = 0; r < nA; r++) {
      const gr = act[r] * nS;
      for (let c = 0; c < nA; c++) gAct[r * nA + c] = green[gr + act[c]];
    }

    // ---- 2. initial guess
    const slotA = this.slotA;
    const slotB = this.slotB;
    const x = new Float64Array(nU);
    let v0 = drive.mode === 'voltage' ? drive.vV : -(drive.jnAPerM2 * d) / sigma;
    const ws = input.warmStart;
    if (ws && currentMode) v0 = ws.vV;
    for (let a = 0; a < nA; a++) x[a] = ws ? ws.cellPotentialV[act[a]] : v0 * psi[act[a]];
    conductors.forEach((c, i) => {
      if (unkOfCond[i] < 0) return;
      const w = ws?.conductorPotentialV[i];
      x[unkOfCond[i]] = w !== undefined && Number.isFinite(w) ? w : v0 * meanPsiOfConductor(i);
    });
    if (vIdx >= 0) x[vIdx] = v0;
    function meanPsiOfConductor(i: number): number {
      let acc = 0;
      let n = 0;
      for (let f = 0; f < nf; f++) {
        if (status[f] !== FACE_LI || conductorOfFace[f] !== i) continue;
        acc += psi[slotA[f]] + psi[slotB[f]];
        n += 2;
      }
      return n > 0 ? acc / n : 0.5;
    }

    // ---- 3. Newton
    const C = new Float64Array(nA); // sources on active cells
    const res = new Float64Array(nU);
    const J = new Float64Array(nU * nU);
    const faceIA = new Float64Array(nf);
    const faceIB = new Float64Array(nf);
    // sparse ∂C/∂(unknown): triplets (row r in active, col in unknowns, value)
    const tr: number[] = [];
    const tc: number[] = [];
    const tv: number[] = [];
    const potOf = (i: number, V: number): number => {
      const c = conductors[i];
      if (unkOfCond[i] >= 0) return x[unkOfCond[i]];
      if (c.kind === 'electrodeA') return 0;
      if (c.kind === 'electrodeB') return V;
      if (c.kind === 'fixed') return c.potentialV;
      return NaN;
    };
    const colOfCond = (i: number): number => {
      if (unkOfCond[i] >= 0) return unkOfCond[i];
      if (conductors[i].kind === 'electrodeB') return vIdx; // −1 in voltage mode: constant
      return -1;
    };
    const evaluate = (withJacobian: boolean): void => {
      C.fill(0);
      res.fill(0);
      tr.length = 0;
      tc.length = 0;
      tv.length = 0;
      const V = vIdx >= 0 ? x[vIdx] : (drive as { vV: number }).vV;
      for (let f = 0; f < nf; f++) {
        faceIA[f] = 0;
        faceIB[f] = 0;
        if (status[f] === FACE_INTACT) continue;
        const ra = activeOf[slotA[f]];
        const rb = activeOf[slotB[f]];
        const pa = x[ra];
        const pb = x[rb];
        C[ra] += sigma * (pa - pb);
        C[rb] += sigma * (pb - pa);
        if (withJacobian) {
          tr.push(ra, ra, rb, rb);
          tc.push(ra, rb, rb, ra);
          tv.push(sigma, -sigma, sigma, -sigma);
        }
        if (status[f] !== FACE_LI) continue;
        const ci = conductorOfFace[f];
        const phiM = potOf(ci, V);
        const col = colOfCond(ci);
        const area = h * faces.weight[f];
        const e = eEq ? eEq[f] : 0;
        const sd = sides ? sides[f] : 3;
        for (let side = 0; side < 2; side++) {
          if (!(sd & (side + 1))) continue;
          const r = side === 0 ? ra : rb;
          evaluateFaceCurrent(kinetics, phiM - x[r] - e, rHalf, this.fc, thr ? thr[f] : 0);
          const I = area * this.fc.j;
          const g = area * this.fc.djdx;
          if (side === 0) faceIA[f] = I;
          else faceIB[f] = I;
          C[r] += I;
          if (unkOfCond[ci] >= 0) res[unkOfCond[ci]] += I / sigma;
          if (withJacobian) {
            tr.push(r);
            tc.push(r);
            tv.push(-g);
            if (col >= 0) {
              tr.push(r);
              tc.push(col);
              tv.push(g);
            }
            if (unkOfCond[ci] >= 0) {
              const fr = unkOfCond[ci];
              J[fr * nU + r] -= g / sigma;
              J[fr * nU + fr] += g / sigma;
              if (col >= 0 && col !== fr) J[fr * nU + col] += g / sigma;
            }
          }
        }
      }
      // φ rows: R = φ − Vψ − G C
      for (let r = 0; r < nA; r++) {
        let acc = x[r] - V * psi[act[r]];
        const row = r * nA;
        for (let c = 0; c < nA; c++) acc -= gAct[row + c] * C[c];
        res[r] = acc;
      }
      if (vIdx >= 0) {
        let iA = (-sigma * V * W) / d;
        for (let r = 0; r < nA; r++) iA -= C[r] * (1 - psi[act[r]]);
        res[vIdx] = (iA - (drive as { jnAPerM2: number }).jnAPerM2 * W) / sigma;
      }
      if (!withJacobian) return;
      for (let r = 0; r < nA; r++) J[r * nU + r] += 1;
      if (vIdx >= 0) {
        for (let r = 0; r < nA; r++) J[r * nU + vIdx] -= psi[act[r]];
        J[vIdx * nU + vIdx] -= W / d;
      }
      for (let t = 0; t < tr.length; t++) {
        const r = tr[t];
        const c = tc[t];
        const v = tv[t];
        // φ rows: −G[:, r]·v into column c (G symmetric: use row r)
        const gRow = r * nA;
        for (let q = 0; q < nA; q++) J[q * nU + c] -= gAct[gRow + q] * v;
        if (vIdx >= 0) J[vIdx * nU + c] -= (v * (1 - psi[act[r]])) / sigma;
      }
    };

    let it = 0;
    const scaleV = Math.max(Math.abs(v0), thermalV);
    const resNorm = (): number => {
      let m = 0;
      for (let q = 0; q < nU; q++) m = Math.max(m, Math.abs(res[q]));
      return m;
    };
    evaluate(false);
    let r0 = resNorm();
    for (; it < maxIt && r0 > relTol * scaleV; it++) {
      J.fill(0);
      evaluate(true);
      const step = new Float64Array(nU);
      for (let q = 0; q < nU; q++) step[q] = -res[q];
      luSolveInPlace(J, nU, step);
      if (kinetics.kind === 'bv') {
        let maxPhi = 0;
        conductors.forEach((_, i) => {
          if (unkOfCond[i] >= 0) maxPhi = Math.max(maxPhi, Math.abs(step[unkOfCond[i]]));
        });
        if (vIdx >= 0) maxPhi = Math.max(maxPhi, Math.abs(step[vIdx]));
        const lim = 2 * thermalV;
        if (maxPhi > lim) {
          const sc = lim / maxPhi;
          for (let q = 0; q < nU; q++) step[q] *= sc;
        }
      }
      for (let q = 0; q < nU; q++) x[q] += step[q];
      evaluate(false);
      r0 = resNorm();
    }

    // ---- 4. pack the solution
    const V = vIdx >= 0 ? x[vIdx] : (drive as { vV: number }).vV;
    const cellPot = new Float64Array(nS);
    const cellSrc = new Float64Array(nS);
    for (let s = 0; s < nS; s++) {
      if (activeOf[s] >= 0) {
        cellPot[s] = x[activeOf[s]];
        cellSrc[s] = C[activeOf[s]];
      } else {
        let acc = V * psi[s];
        for (let r = 0; r < nA; r++) acc += green[s * nS + act[r]] * C[r];
        cellPot[s] = acc;
      }
    }
    let iA = (-sigma * V * W) / d;
    for (let r = 0; r < nA; r++) iA -= C[r] * (1 - psi[act[r]]);
    const condPot = new Float64Array(conductors.length);
    conductors.forEach((_, i) => {
      condPot[i] = potOf(i, V);
    });
    return {
      vV: V,
      cellCurrentAPerM: iA,
      conductorPotentialV: condPot,
      faceCurrentA: faceIA,
      faceCurrentB: faceIB,
      cellPotentialV: cellPot,
      cellSourceAPerM: cellSrc,
      iterations: it,
      converged: r0 <= relTol * scaleV,
    };
  }

  /** Full potential field φ [V] of a solution (one fast-Poisson solve). */
  potentialField(sol: CrackSolution): Float64Array {
    const { grid } = this;
    if (!this.fastPoisson) this.fastPoisson = new FastPoissonSolver(grid, this.sigmaSPerM);
    const b = new Float64Array(grid.nx * grid.ny);
    for (let s = 0; s < this.cells.length; s++) b[this.cells[s]] += sol.cellSourceAPerM[s];
    const phi = this.fastPoisson.solve(b, b);
    const h = grid.spacingM;
    for (let j = 0; j < grid.ny; j++) {
      const base = (sol.vV * (j + 0.5) * h) / grid.gapM;
      for (let i = 0; i < grid.nx; i++) phi[j * grid.nx + i] += base;
    }
    return phi;
  }
}
