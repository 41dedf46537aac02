import { describe, expect, it } from 'vitest';
import { staircaseDisc, staircasePolyline, type CrackFaces } from '../../../src/model/fv2d/crackFaces.js';
import { netCellOutflow } from '../../../src/model/fv2d/crackedOperator.js';
import { CrackSolver, FACE_EMPTY, FACE_LI, type CrackSolution } from '../../../src/model/fv2d/crackSolver.js';
import type { FaceKinetics } from '../../../src/model/fv2d/faceKinetics.js';
import { createGrid } from '../../../src/model/fv2d/grid.js';

const SIGMA = 0.1; // S/m (1 mS/cm)
const JN = 4.7; // A/m²
const F_PER_V = 1 / 0.0256926;

function linear(rsOhmM2: number): FaceKinetics {
  return { kind: 'linear', j0APerM2: 1 / (F_PER_V * rsOhmM2), alphaA: 0.5, fPerV: F_PER_V };
}
const FAST: FaceKinetics = { kind: 'fast', j0APerM2: Infinity, alphaA: 0.5, fPerV: F_PER_V };

function allLi(faces: CrackFaces): { status: Uint8Array; conductorOfFace: Int32Array } {
  const n = faces.cellA.length;
  return { status: new Uint8Array(n).fill(FACE_LI), conductorOfFace: new Int32Array(n) };
}
function anodicAndNet(sol: CrackSolution): { anodic: number; net: number } {
  let anodic = 0;
  let net = 0;
  for (let f = 0; f < sol.faceCurrentA.length; f++) {
    for (const I of [sol.faceCurrentA[f], sol.faceCurrentB[f]]) {
      net += I;
      if (I > 0) anodic += I;
    }
  }
  return { anodic, net };
}

describe('fv2d cracks as zero-thickness faces (capacitance-matrix Newton)', () => {
  it('T12: floating cylinder, area-weighted staircase at R/Δ = 25, I_half = 4σER/(1 + Wa) within 1 %, Φ = V/2', () => {
    const h = 1e-6;
    const R = 25 * h;
    const W = 24 * R; // square box, area fraction πR²/W² = 0.55 %
    const g = createGrid(W, W, h);
    const faces = staircaseDisc(g, W / 2, W / 2, R);
    const solver = new CrackSolver(g, SIGMA, faces);
    const V = (-JN * W) / SIGMA;
    const E = Math.abs(V) / W;
    for (const wa of [0.1, 1, 3]) {
      const sol = solver.solve({ ...allLi(faces), conductors: [{ kind: 'floating' }], drive: { mode: 'voltage', vV: V }, kinetics: linear((wa * R) / SIGMA) });
      const { anodic, net } = anodicAndNet(sol);
      const expected = (4 * SIGMA * E * R) / (1 + wa);
      expect(Math.abs(anodic / expected - 1)).toBeLessThan(0.01);
      expect(Math.abs(sol.conductorPotentialV[0] - V / 2)).toBeLessThan(1e-12 * Math.abs(V));
      expect(Math.abs(net)).toBeLessThan(1e-10 * anodic);
    }
  });

  it('T13: zero-thickness strip L = 200 µm in 2×2 mm, fast kinetics and Wa = 1 (Δ = 5 and 2.5 µm, ±0.003)', () => {
    const L = 200e-6;
    const cases = [
      { h: 5e-6, fast: 0.986, wa1: 0.3315 },
      { h: 2.5e-6, fast: 0.995, wa1: 0.3319 },
    ];
    for (const c of cases) {
      const g = createGrid(2e-3, 2e-3, c.h);
      const faces = staircasePolyline(g, [1e-3, 1e-3], [1e-3 - L / 2, 1e-3 + L / 2]);
      expect(faces.cellA.length).toBe(Math.round(L / c.h));
      const solver = new CrackSolver(g, SIGMA, faces);
      const V = (-JN * 2e-3) / SIGMA;
      const E = Math.abs(V) / 2e-3;
      for (const [kin, expected] of [
        [FAST, c.fast],
        [linear(L / 2 / SIGMA), c.wa1],
      ] as const) {
        const sol = solver.solve({ ...allLi(faces), conductors: [{ kind: 'floating' }], drive: { mode: 'voltage', vV: V }, kinetics: kin });
        const { anodic, net } = anodicAndNet(sol);
        expect(Math.abs(anodic / (SIGMA * E * L) - expected)).toBeLessThan(0.003);
        expect(Math.abs(net)).toBeLessThan(1e-10 * anodic);
      }
    }
  });

  it('T14: dendrite slit from the plating electrode collects the conformal-map current within 1 % (Δ = 5 µm)', () => {
    const d = 1e-3;
    const W = 6 * d; // lateral decay e^(−πx/d): wall effect < 1e-4
    const g = createGrid(W, d, 5e-6);
    const table: [number, number][] = [
      [0.25, 2.412838e-3],
      [0.5, 5.274339e-3],
      [0.9, 1.521244e-2],
    ];
    for (const [ratio, expected] of table) {
      // closed form D2 as a guard on the table itself
      const closed = ((4 * JN * d) / Math.PI) * Math.atanh(Math.sin((Math.PI * ratio) / 2));
      expect(Math.abs(closed / expected - 1)).toBeLessThan(1e-6);
      const faces = staircasePolyline(g, [W / 2, W / 2], [d, d - ratio * d]);
      const solver = new CrackSolver(g, SIGMA, faces);
      const sol = solver.solve({ ...allLi(faces), conductors: [{ kind: 'electrodeB' }], drive: { mode: 'voltage', vV: (-JN * d) / SIGMA }, kinetics: FAST });
      const collected = -anodicAndNet(sol).net; // plating current into the dendrite
      expect(Math.abs(collected / expected - 1)).toBeLessThan(0.01);
      expect(sol.conductorPotentialV[0]).toBe(sol.vV);
    }
  });

  it('solution satisfies the full cracked FV equations cell by cell (BV, tilted crack, empty part, current drive)', () => {
    const g = createGrid(400e-6, 300e-6, 5e-6);
    const faces = staircasePolyline(g, [120e-6, 200e-6, 290e-6], [90e-6, 160e-6, 200e-6]);
    const n = faces.cellA.length;
    const status = new Uint8Array(n).fill(FACE_LI);
    for (let f = 0; f < n; f++) if (faces.sM[f] > 0.75 * faces.sM[n - 1]) status[f] = FACE_EMPTY;
    const solver = new CrackSolver(g, SIGMA, faces);
    const kin: FaceKinetics = { kind: 'bv', j0APerM2: 5, alphaA: 0.3, fPerV: F_PER_V };
    const sol = solver.solve({ status, conductorOfFace: new Int32Array(n), conductors: [{ kind: 'floating' }], drive: { mode: 'current', jnAPerM2: 40 }, kinetics: kin });
    const phi = solver.potentialField(sol);
    const out = netCellOutflow(g, SIGMA, sol.vV, faces, status, phi);
    const inj = new Float64Array(phi.length);
    for (let f = 0; f < n; f++) {
      inj[faces.cellA[f]] += sol.faceCurrentA[f];
      inj[faces.cellB[f]] += sol.faceCurrentB[f];
    }
    const scale = 40 * 5e-6; // j_n·Δ, current through one cell
    let worst = 0;
    for (let k = 0; k < phi.length; k++) worst = Math.max(worst, Math.abs(out[k] - inj[k]));
    expect(worst).toBeLessThan(1e-9 * scale);
    // the cell current equals j_n·W, entering at electrode A
    let iA = 0;
    for (let i = 0; i < g.nx; i++) iA += -2 * SIGMA * phi[i];
    expect(Math.abs(iA / (40 * g.widthM) - 1)).toBeLessThan(1e-9);
    expect(Math.abs(sol.cellCurrentAPerM / (40 * g.widthM) - 1)).toBeLessThan(1e-9);
    const { anodic, net } = anodicAndNet(sol);
    expect(anodic).toBeGreaterThan(0);
    expect(Math.abs(net)).toBeLessThan(1e-10 * anodic);
    // empty faces carry no metal current
    for (let f = 0; f < n; f++) if (status[f] === FACE_EMPTY) expect(sol.faceCurrentA[f]).toBe(0);
    expect(sol.iterations).toBeLessThan(20);
  });

  it('BV at small drive tends to the linearised kinetics, and a warm start converges in ≤ 2 Newton steps', () => {
    const g = createGrid(1e-3, 1e-3, 5e-6);
    const L = 200e-6;
    const faces = staircasePolyline(g, [0.5e-3, 0.5e-3], [0.5e-3 - L / 2, 0.5e-3 + L / 2]);
    const solver = new CrackSolver(g, SIGMA, faces);
    const j0 = 50;
    const V = (-0.05 * 1e-3) / SIGMA; // j_n = 0.05 A/m²: U ≈ 0.1 mV ≪ RT/F
    const base = { ...allLi(faces), conductors: [{ kind: 'floating' }] as const, drive: { mode: 'voltage' as const, vV: V } };
    const bv = solver.solve({ ...base, kinetics: { kind: 'bv', j0APerM2: j0, alphaA: 0.5, fPerV: F_PER_V } });
    const lin = solver.solve({ ...base, kinetics: { kind: 'linear', j0APerM2: j0, alphaA: 0.5, fPerV: F_PER_V } });
    const a = anodicAndNet(bv).anodic;
    const b = anodicAndNet(lin).anodic;
    expect(Math.abs(a / b - 1)).toBeLessThan(1e-4);
    const again = solver.solve({ ...base, kinetics: { kind: 'bv', j0APerM2: j0, alphaA: 0.5, fPerV: F_PER_V }, warmStart: bv });
    expect(again.iterations).toBeLessThanOrEqual(2);
    expect(Math.abs(anodicAndNet(again).anodic / a - 1)).toBeLessThan(1e-10);
  });

  it('two floating inclusions mirror-symmetric about x = W/2 carry mirror-equal currents and float independently', () => {
    const g = createGrid(1e-3, 1e-3, 5e-6);
    const left = staircasePolyline(g, [300e-6, 400e-6], [400e-6, 600e-6]);
    const right = staircasePolyline(g, [700e-6, 600e-6], [400e-6, 600e-6]);
    const nL = left.cellA.length;
    const cat = <T extends Int32Array | Uint8Array | Float64Array>(a: T, b: T): T => {
      const out = new (a.constructor as new (n: number) => T)(a.length + b.length);
      out.set(a);
      out.set(b, a.length);
      return out;
    };
    const faces = {
      cellA: cat(left.cellA, right.cellA),
      cellB: cat(left.cellB, right.cellB),
      normalAxis: cat(left.normalAxis, right.normalAxis),
      weight: cat(left.weight, right.weight),
      sM: cat(left.sM, right.sM),
    };
    const n = faces.cellA.length;
    const conductorOfFace = new Int32Array(n);
    for (let f = nL; f < n; f++) conductorOfFace[f] = 1;
    const solver = new CrackSolver(g, SIGMA, faces);
    const sol = solver.solve({
      status: new Uint8Array(n).fill(FACE_LI),
      conductorOfFace,
      conductors: [{ kind: 'floating' }, { kind: 'floating' }],
      drive: { mode: 'current', jnAPerM2: JN },
      kinetics: { kind: 'bv', j0APerM2: 10, alphaA: 0.5, fPerV: F_PER_V },
    });
    expect(sol.converged).toBe(true);
    let iL = 0;
    let iR = 0;
    let netL = 0;
    let netR = 0;
    for (let f = 0; f < n; f++) {
      const I = sol.faceCurrentA[f] + sol.faceCurrentB[f];
      if (f < nL) {
        netL += I;
        iL += Math.max(0, sol.faceCurrentA[f]) + Math.max(0, sol.faceCurrentB[f]);
      } else {
        netR += I;
        iR += Math.max(0, sol.faceCurrentA[f]) + Math.max(0, sol.faceCurrentB[f]);
      }
    }
    expect(iL).toBeGreaterThan(0);
    expect(Math.abs(iL / iR - 1)).toBeLessThan(1e-9);
    expect(Math.abs(netL)).toBeLessThan(1e-10 * iL);
    expect(Math.abs(netR)).toBeLessThan(1e-10 * iR);
    expect(Math.abs(sol.conductorPotentialV[0] - sol.conductorPotentialV[1])).toBeLessThan(1e-12);
  });
});
