import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chargeTransferAreaResistanceOhmM2,
  crackComplianceM3PerPa,
  criticalCurrentDensityAPerM2,
  criticalLengthM,
  defaultReducedParams,
  elasticCrackOpeningM,
  extensionThresholdV,
  inclusionCurrentA,
  openCircuitDriveV,
  pressurisationOnsetS,
  pressurisationTimeConstantS,
  prolateDepolarisationFactor,
  shapeFactors,
  simulateReduced,
  stripVelocityClosedFormMPerS,
  thresholdLengthM,
  wagnerLengthM,
  type ReducedModelParams,
} from '../../src/model/index.js';
import { F_OVER_VM_PA_PER_V, thermalVoltageV } from '../../src/core/units.js';
import { InputError } from '../../src/core/errors.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const UM = 1e-6;
const JN = 4.7; // A/m² = 0.47 mA/cm²
const L0 = 400 * UM;
const C0: ReducedModelParams = defaultReducedParams(); // MODEL.md §7 T5 canonical set
const S0 = { s1M: 0, s2M: L0 };
const constant = (jn: number) => ({ tS: [0], jnAPerM2: [jn] });
/** First time in [lo, hi] at which the run's mode at that single time satisfies `after` (bisection on the model). */
function switchTime(p: ReducedModelParams, program: { tS: number[]; jnAPerM2: number[] }, after: (mode: number) => boolean, lo: number, hi: number): number {
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (after(simulateReduced(p, program, S0, [mid]).mode[0])) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

describe('Model A: canonical set C0 (T5–T7)', () => {
  it('C0 is the default parameter set', () => {
    expect(C0).toMatchObject({ shape: 'strip', sigmaSPerM: 0.1, widthM: 400e-6, j0APerM2: 50, hExtM: 1e-6, hDissM: 1e-6, hRefillM: 1e-6, etaThV: null, geometryFactorY: 1, aEff: 'half-length', etaRefillV: 0 });
  });

  it('T5 intermediates: U, η_th, λ, L_th, R_acc, R_ct, I', () => {
    const u = openCircuitDriveV(C0, L0, JN);
    const etaTh = extensionThresholdV(C0, L0, L0);
    expect(rel(u * 1e3, 18.8)).toBeLessThan(1e-4);
    expect(rel(etaTh * 1e3, 3.2618)).toBeLessThan(1e-4);
    expect(rel(wagnerLengthM(0.1, 50, C0.temperatureK) / UM, 51.385)).toBeLessThan(1e-4);
    expect(rel(thresholdLengthM(0.1, etaTh, JN) / UM, 69.4)).toBeLessThan(1e-4);
    const sf = shapeFactors('strip', L0, 0.1, 400e-6);
    expect(rel(sf.rAccOhm, 25_000)).toBeLessThan(1e-12);
    expect(rel(chargeTransferAreaResistanceOhmM2(50, C0.temperatureK) / sf.aCtM2, 6423.15)).toBeLessThan(1e-5);
    expect(rel(inclusionCurrentA({ ...C0, kinetics: 'linear' }, L0, JN, etaTh), 4.1056e-7)).toBeLessThan(1e-4);
  });

  it('T5 linear kinetics: v = 0.139870 µm/s, s1(600, 1800, 3600 s), L ≡ 400 µm', () => {
    const p = { ...C0, kinetics: 'linear' as const };
    const etaTh = extensionThresholdV(p, L0, L0);
    const vClosed = stripVelocityClosedFormMPerS({ lengthM: L0, thetaRad: 0, sigmaSPerM: 0.1, jnAPerM2: JN, etaThV: etaTh, hM: 1e-6, j0APerM2: 50, temperatureK: p.temperatureK });
    expect(rel(vClosed / UM, 0.13987)).toBeLessThan(1e-4);
    const run = simulateReduced(p, constant(JN), S0, [0, 600, 1800, 3600]);
    [0, -83.9202, -251.7607, -503.5213].forEach((s, i) => {
      if (s === 0) expect(run.s1M[i]).toBe(0);
      else expect(rel(run.s1M[i] / UM, s)).toBeLessThan(1e-4);
      expect(rel(run.lengthM[i], L0)).toBeLessThan(1e-12);
    });
    // Simulation and closed form agree to rounding.
    expect(rel(-run.s1M[3] / 3600, vClosed)).toBeLessThan(1e-10);
    expect(Array.from(run.mode)).toEqual([1, 1, 1, 1]);
  });

  it('T5 BV kinetics: v = 0.139888 µm/s', () => {
    const run = simulateReduced(C0, constant(JN), S0, [0, 1800]);
    expect(rel(-run.s1M[1] / 1800 / UM, 0.139888)).toBeLessThan(1e-4);
  });

  it('T6: j_crit = 0.081545 mA/cm²; at 0.99·j_crit nothing moves, at 1.01·j_crit it does', () => {
    const etaTh = extensionThresholdV(C0, L0, L0);
    const jCrit = criticalCurrentDensityAPerM2(0.1, etaTh, 1, L0, 0);
    expect(rel(jCrit / 10, 0.081545)).toBeLessThan(1e-4);
    const below = simulateReduced(C0, constant(0.99 * jCrit), S0, [0, 600, 3600, 36_000]);
    expect(Array.from(below.s1M)).toEqual([0, 0, 0, 0]);
    expect(Array.from(below.s2M)).toEqual([L0, L0, L0, L0]);
    expect(Array.from(below.currentA)).toEqual([0, 0, 0, 0]);
    expect(Array.from(below.mode)).toEqual([0, 0, 0, 0]);
    const above = simulateReduced(C0, constant(1.01 * jCrit), S0, [0, 3600]);
    expect(above.s1M[1]).toBeLessThan(0);
  });

  it('T7: L_crit = 124.431 µm (σ = 1 mS/cm), 78.387 µm (0.5 mS/cm), and U = η_K(L/2) there', () => {
    const base = { kIcPaSqrtM: 0.6e6, geometryFactorY: 1, jnAPerM2: JN, kappa: 1, thetaRad: 0 };
    const l1 = criticalLengthM({ ...base, sigmaSPerM: 0.1 });
    expect(rel(l1 / UM, 124.431)).toBeLessThan(1e-4);
    expect(rel(criticalLengthM({ ...base, sigmaSPerM: 0.05 }) / UM, 78.387)).toBeLessThan(1e-4);
    expect(rel(openCircuitDriveV(C0, l1, JN), extensionThresholdV(C0, l1, l1))).toBeLessThan(1e-12);
  });
});

describe('Model A: length change, reversal and refill (T8, T9)', () => {
  it('T8: L(t) = L* + (L0 − L*)·e^(γt) with j0 → ∞, h_ext = 0.5 µm; volume mismatch < 1e-12', () => {
    const p = { ...C0, j0APerM2: Infinity, etaThV: 3.2618e-3, hExtM: 0.5e-6 };
    const gamma = (F_OVER_VM_PA_PER_V ** -1 * JN) * (1 / 0.5e-6 - 1 / 1e-6);
    expect(rel(gamma, 6.404665e-4)).toBeLessThan(1e-6);
    expect(rel(thresholdLengthM(0.1, 3.2618e-3, JN) / UM, 69.4004)).toBeLessThan(1e-5);
    const run = simulateReduced(p, constant(JN), S0, [0, 600, 1200, 1800]);
    [400, 554.9046, 782.3906, 1116.4668].forEach((l, i) => expect(rel(run.lengthM[i] / UM, l)).toBeLessThan(1e-5));
    for (let i = 1; i < 4; i++) {
      const deposited = 0.5e-6 * (0 - run.s1M[i]);
      const dissolved = 1e-6 * (L0 - run.s2M[i]);
      expect(Math.abs(deposited - dissolved) / dissolved).toBeLessThan(1e-12);
    }
  });

  it('adaptive path vs the exact implicit solution (strip, linear kinetics, finite j0, h_ext ≠ h_diss)', () => {
    // dL/dt = γ·L·(L − L_th)/(L + 4λ)  ⇒  γ·t = −(4λ/L_th)·ln(L/L0) + ((L_th + 4λ)/L_th)·ln((L − L_th)/(L0 − L_th)).
    const etaTh = 3.2618e-3;
    const p = { ...C0, kinetics: 'linear' as const, etaThV: etaTh, hExtM: 0.5e-6 };
    const gamma = (JN / F_OVER_VM_PA_PER_V) * (1 / 0.5e-6 - 1 / 1e-6);
    const lTh = thresholdLengthM(0.1, etaTh, JN);
    const lam = wagnerLengthM(0.1, 50, p.temperatureK);
    const tOf = (l: number): number => (-(4 * lam) / lTh * Math.log(l / L0) + ((lTh + 4 * lam) / lTh) * Math.log((l - lTh) / (L0 - lTh))) / gamma;
    const times = [250, 700, 1500, 3000];
    const run = simulateReduced(p, constant(JN), S0, times);
    times.forEach((t, i) => expect(Math.abs(tOf(run.lengthM[i]) - t) / t).toBeLessThan(1e-7));
    // Mass balance holds on the adaptive path too.
    for (let i = 0; i < times.length; i++) expect(Math.abs(0.5e-6 * -run.s1M[i] - 1e-6 * (L0 - run.s2M[i])) / (1e-6 * (L0 - run.s2M[i]))).toBeLessThan(1e-12);
  });

  it('T9: reversal (BV): s1 at 0…3600 s, refill velocity 0.169265 µm/s, refill → extension at 3287.596 s', () => {
    const program = { tS: [0, 1800], jnAPerM2: [JN, -JN] };
    const run = simulateReduced(C0, program, S0, [0, 900, 1800, 2700, 3600]);
    [0, -125.8991, -251.7981, -99.4595, 43.7016].forEach((s, i) => {
      expect(Math.abs(run.s1M[i] / UM - s)).toBeLessThan(1e-3);
      expect(Math.abs((run.s2M[i] - run.s1M[i]) / UM - 400)).toBeLessThan(1e-3);
    });
    expect(Array.from(run.mode)).toEqual([1, 1, 2, 2, 1]);
    expect(rel((run.s1M[3] - run.s1M[2]) / 900 / UM, 0.169265)).toBeLessThan(1e-4);
    const tSwitch = switchTime(C0, program, (m) => m === 1, 1800.5, 3600);
    expect(Math.abs(tSwitch - 3287.596)).toBeLessThan(1e-3);
    // The envelope is the largest extent ever reached.
    const env = simulateReduced(C0, program, S0, [3000]);
    expect(env.envelopeLoM![0] / UM).toBeCloseTo(-251.7981, 3);
    expect(env.envelopeHiM![0] / UM).toBeCloseTo(400, 9);
  });
});

describe('Model A: shape factors and the strip panel check (T10, T11)', () => {
  it('T10: sphere κ = 1.5, I_sc = 3πR²·j_n; prolate N(10) = 0.020286, κ(10) = 1.02071, κ(100) = 1.00043; penny and strip I_sc', () => {
    const r = 50 * UM;
    const sphere = shapeFactors('sphere', 2 * r, 0.1, 1);
    expect(sphere.kappa).toBe(1.5);
    expect(rel(sphere.shortCircuitAreaM2, 3 * Math.PI * r * r)).toBeLessThan(1e-14);
    // V_oc/R_acc must equal I_sc for every shape (Thevenin consistency).
    for (const shape of ['strip', 'penny', 'sphere', 'prolate'] as const) {
      const sf = shapeFactors(shape, L0, 0.1, 400e-6, 10);
      const e = JN / 0.1;
      expect(rel((sf.kappa * e * L0) / sf.rAccOhm, sf.shortCircuitAreaM2 * JN)).toBeLessThan(1e-12);
    }
    expect(rel(prolateDepolarisationFactor(10), 0.020286)).toBeLessThan(1e-4);
    expect(rel(shapeFactors('prolate', L0, 0.1, 1, 10).kappa, 1.02071)).toBeLessThan(1e-5);
    expect(rel(shapeFactors('prolate', L0, 0.1, 1, 100).kappa, 1.00043)).toBeLessThan(1e-5);
    expect(rel(prolateDepolarisationFactor(1 + 1e-9), 1 / 3)).toBeLessThan(1e-8);
    const a = 0.5 * L0;
    expect(rel(shapeFactors('penny', L0, 0.1, 1).shortCircuitAreaM2 * JN, 4 * a * a * JN)).toBeLessThan(1e-14);
    expect(rel(shapeFactors('strip', L0, 0.1, 300e-6).shortCircuitAreaM2 * JN, JN * L0 * 300e-6)).toBeLessThan(1e-14);
  });

  it.each([
    [0.01, 0.97383],
    [0.1, 0.8214],
    [1, 0.33162],
    [10, 0.04759],
  ])('T11: strip at Wa = %s: Thevenin I/I_sc within 1.5 %% of the exact panel value %s', (wa, exact) => {
    const a = 0.5 * L0;
    const rS = (wa * a) / 0.1; // Wa = σ·r_s/a
    const p = { ...C0, kinetics: 'linear' as const, etaThV: 0, j0APerM2: thermalVoltageV(C0.temperatureK) / rS };
    const ratio = inclusionCurrentA(p, L0, JN, 0) / (JN * L0 * p.widthM);
    expect(rel(ratio, 1 / (1 + 2 * wa))).toBeLessThan(1e-12);
    expect(rel(ratio, exact)).toBeLessThan(0.015);
  });

  it('sphere: Thevenin current equals the exact solution 3πR²σE/(1 + 2Wa) for all Wa', () => {
    const r = 30 * UM;
    for (const wa of [0.01, 0.3, 1, 30]) {
      const p = { ...C0, shape: 'sphere' as const, kinetics: 'linear' as const, j0APerM2: thermalVoltageV(C0.temperatureK) / ((wa * r) / 0.1) };
      const exact = (3 * Math.PI * r * r * 0.1 * (JN / 0.1)) / (1 + 2 * wa);
      expect(rel(inclusionCurrentA(p, 2 * r, JN, 0), exact)).toBeLessThan(1e-12);
    }
  });
});

describe('Model A+: pressurisation lag (T17)', () => {
  const E = 150e9;
  const NU = 0.26;
  it('T17: C = 6.2490e-22 m³/Pa, τ = 1273.61 s, t_on = 242.70 s; opening at p_c: mean 93.49 nm, max 119.03 nm', () => {
    const c = crackComplianceM3PerPa(L0, 400e-6, E, NU);
    expect(rel(c, 6.249e-22)).toBeLessThan(1e-4);
    const sf = shapeFactors('strip', L0, 0.1, 400e-6);
    const rTot = sf.rAccOhm + (2 * chargeTransferAreaResistanceOhmM2(50, C0.temperatureK)) / sf.aCtM2;
    const tau = pressurisationTimeConstantS(c, rTot);
    expect(rel(tau, 1273.61)).toBeLessThan(1e-4);
    const etaTh = extensionThresholdV(C0, L0, L0);
    expect(rel(pressurisationOnsetS(tau, etaTh, openCircuitDriveV(C0, L0, JN)), 242.7)).toBeLessThan(1e-4);
    const pc = etaTh * F_OVER_VM_PA_PER_V;
    expect(rel(pc / 1e6, 23.937)).toBeLessThan(1e-4);
    const opening = elasticCrackOpeningM(pc, L0, E, NU);
    expect(rel(opening.meanM * 1e9, 93.49)).toBeLessThan(1e-4);
    expect(rel(opening.maxM * 1e9, 119.03)).toBeLessThan(1e-4);
  });

  it('T17: simulated onset (linear kinetics, back end frozen) at 242.70 s', () => {
    const p = { ...C0, kinetics: 'linear' as const, hDissM: 1e3, lag: { youngPa: E, poisson: NU } };
    const tOn = switchTime(p, constant(JN), (m) => m === 1, 0, 1000);
    expect(rel(tOn, 242.7)).toBeLessThan(1e-4);
  });

  it('A+ signature: L shrinks before the front moves, then the front advances', () => {
    const p = { ...C0, lag: { youngPa: E, poisson: NU } };
    const run = simulateReduced(p, constant(JN), S0, [0, 100, 200, 400, 800]);
    expect(Array.from(run.mode)).toEqual([3, 3, 3, 1, 1]);
    expect(run.s1M[1]).toBe(0);
    expect(run.s1M[2]).toBe(0);
    expect(run.s2M[1]).toBeLessThan(L0);
    expect(run.s2M[2]).toBeLessThan(run.s2M[1]);
    expect(run.s1M[3]).toBeLessThan(0);
    expect(run.lengthM[4]).toBeLessThan(L0); // lost length is not regained with equal thicknesses
  });
});

describe('Model A invariants', () => {
  const phases = { tS: [0, 1200, 2400], jnAPerM2: [JN, -JN, 2 * JN] };
  const times = Array.from({ length: 301 }, (_, i) => 10 * i);

  it('mass conservation across three phases: equal thicknesses keep L ≡ L0 to 1e-12 through extension/refill switches', () => {
    const p = { ...C0, etaThV: 5e-3 };
    const run = simulateReduced(p, phases, S0, times);
    for (const l of run.lengthM) expect(Math.abs(l - L0) / L0).toBeLessThan(1e-12);
    expect(new Set(run.mode)).toEqual(new Set([1, 2]));
  });

  it('ledger mass balance after a reversal: the back end returns h_ext Li while the front refills with h_refill', () => {
    const p = { ...C0, hExtM: 0.6e-6, hDissM: 1e-6, hRefillM: 0.9e-6, thicknessLedger: true };
    const run = simulateReduced(p, { tS: [0, 1200], jnAPerM2: [JN, -JN] }, S0, times);
    const i0 = 120; // t = 1200 s
    let checked = 0;
    for (let i = i0 + 1; i < times.length; i++) {
      if (run.s1M[i] >= 0 || run.mode[i] !== 2) break; // still dissolving the h_ext deposit, still refilling
      const dissolved = 0.6e-6 * (run.s1M[i] - run.s1M[i0]);
      const refilled = 0.9e-6 * (run.s2M[i] - run.s2M[i0]);
      expect(Math.abs(dissolved - refilled) / refilled).toBeLessThan(1e-12);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('ledger: after the original Li is gone the back end dissolves h_ext Li (T8 set saturates at L = 800 µm)', () => {
    const p = { ...C0, j0APerM2: Infinity, etaThV: 3.2618e-3, hExtM: 0.5e-6, thicknessLedger: true };
    const run = simulateReduced(p, constant(JN), S0, [1800, 2400]);
    expect(rel(run.lengthM[0], 800 * UM)).toBeLessThan(1e-9);
    expect(rel(run.lengthM[1], 800 * UM)).toBeLessThan(1e-9);
  });

  it('ledger centroid velocity: dx_cm/dt = −(V_m·I/(F·w))·L/V′', () => {
    const p = { ...C0, hExtM: 0.6e-6, hDissM: 1e-6, thicknessLedger: true };
    const t = 1000;
    const dt = 0.5;
    const run = simulateReduced(p, constant(JN), S0, [t - dt, t, t + dt]);
    const dxdt = (run.centroidM[2] - run.centroidM[0]) / (2 * dt);
    const expected = -(run.currentA[1] / (F_OVER_VM_PA_PER_V * p.widthM)) * run.lengthM[1] / run.volumePerWidthM2![1];
    expect(rel(dxdt, expected)).toBeLessThan(1e-6);
  });

  it('mass balance of a one-direction run: h_ext·|Δs1| = h_diss·|Δs2| for unequal thicknesses (BV, η_th from K_IC)', () => {
    const p = { ...C0, hExtM: 1.7e-6, hDissM: 0.8e-6 };
    const run = simulateReduced(p, constant(2 * JN), S0, times);
    for (let i = 1; i < run.tS.length; i++) {
      const dep = 1.7e-6 * -run.s1M[i];
      const dis = 0.8e-6 * (L0 - run.s2M[i]);
      expect(Math.abs(dep - dis)).toBeLessThanOrEqual(1e-12 * dis + 1e-30);
    }
  });

  it('simulation matches the §2.5 closed form over random strips (linear kinetics, equal h)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 100, max: 1000, noNaN: true }),
        fc.double({ min: -1.2, max: 1.2, noNaN: true }),
        fc.double({ min: 1, max: 50, noNaN: true }),
        fc.double({ min: 0.2, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (lUm, theta, jn, hUm, etaMV) => {
          const h = hUm * UM;
          const p = { ...C0, kinetics: 'linear' as const, thetaRad: theta, hExtM: h, hDissM: h, hRefillM: h, etaThV: etaMV * 1e-3 };
          const run = simulateReduced(p, constant(jn), { s1M: 0, s2M: lUm * UM }, [0, 500]);
          const v = stripVelocityClosedFormMPerS({ lengthM: lUm * UM, thetaRad: theta, sigmaSPerM: 0.1, jnAPerM2: jn, etaThV: etaMV * 1e-3, hM: h, j0APerM2: 50, temperatureK: p.temperatureK });
          const moved = Math.abs(run.s1M[1] - run.s1M[0]);
          if (v === 0) expect(moved).toBe(0);
          else expect(rel(moved / 500, v)).toBeLessThan(1e-9);
          // Velocity ∝ 1/h: doubling h halves the displacement.
          const run2 = simulateReduced({ ...p, hExtM: 2 * h, hDissM: 2 * h, hRefillM: 2 * h }, constant(jn), { s1M: 0, s2M: lUm * UM }, [0, 500]);
          if (v > 0) expect(rel(2 * Math.abs(run2.s1M[1]), moved)).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 40, seed: 3 },
    );
  });

  it('mirror symmetry: θ → π with mirrored ends reproduces the mirrored run (BV, α_a = 0.3, unequal h)', () => {
    const p = { ...C0, alphaA: 0.3, hExtM: 0.8e-6, hDissM: 1.1e-6, hRefillM: 0.9e-6 };
    const a = simulateReduced(p, phases, S0, times);
    const b = simulateReduced({ ...p, thetaRad: Math.PI }, phases, { s1M: -L0, s2M: 0 }, times);
    for (let i = 0; i < times.length; i++) {
      expect(Math.abs(b.s1M[i] + a.s2M[i])).toBeLessThan(1e-12);
      expect(Math.abs(b.s2M[i] + a.s1M[i])).toBeLessThan(1e-12);
      expect(b.mode[i]).toBe(a.mode[i]);
    }
    // Same with the current sign flipped instead of the axis.
    const c = simulateReduced(p, { tS: phases.tS, jnAPerM2: phases.jnAPerM2.map((j) => -j) }, { s1M: -L0, s2M: 0 }, times);
    for (let i = 0; i < times.length; i++) expect(Math.abs(c.s1M[i] + a.s2M[i])).toBeLessThan(1e-12);
  });

  it('reversal returns the inclusion when refill and extension are alike; refill (η_refill = 0) returns it sooner', () => {
    const program = { tS: [0, 1500], jnAPerM2: [JN, -JN] };
    const alike = { ...C0, etaThV: extensionThresholdV(C0, L0, L0), etaRefillV: extensionThresholdV(C0, L0, L0) };
    const back = simulateReduced(alike, program, S0, [1500, 3000]);
    expect(back.s1M[0]).toBeLessThan(-200 * UM);
    expect(Math.abs(back.s1M[1])).toBeLessThan(1e-9 * L0);
    const fast = simulateReduced(C0, program, S0, [3000]);
    expect(fast.s1M[0]).toBeGreaterThan(10 * UM); // passed the start and kept going
  });

  it('softplus smoothing (ε = 0.2 mV): equals the sharp model well above threshold, continuous through it', () => {
    const eps = 2e-4;
    const sharp = simulateReduced(C0, constant(JN), S0, [600]);
    const smooth = simulateReduced({ ...C0, smoothingEpsV: eps }, constant(JN), S0, [600]);
    expect(rel(smooth.s1M[0], sharp.s1M[0])).toBeLessThan(1e-12);
    // Displacement vs η_th near the threshold U = 18.8 mV: the sharp model has a kink, the smooth one is C¹.
    const disp = (etaMV: number, e: number) => -simulateReduced({ ...C0, kinetics: 'linear', etaThV: etaMV * 1e-3, smoothingEpsV: e }, constant(JN), S0, [600]).s1M[0];
    const slopes = (e: number) => {
      const d = 0.02;
      const u = 18.8;
      return [(disp(u - d, e) - disp(u - 2 * d, e)) / d, (disp(u + 2 * d, e) - disp(u + d, e)) / d];
    };
    const [sl, sr] = slopes(0);
    expect(sr).toBe(0);
    expect(sl).toBeLessThan(0);
    const [ml, mr] = slopes(eps);
    expect(Math.abs(ml - mr) / Math.abs(ml)).toBeLessThan(0.3);
    expect(disp(20, eps)).toBeGreaterThan(0); // tiny but non-zero drive below threshold
    expect(disp(20, eps)).toBeLessThan(1e-3 * disp(10, eps));
  });

  it('half-envelope a_eff and penny/sphere/prolate shapes run and keep mass balance', () => {
    for (const shape of ['penny', 'sphere', 'prolate'] as const) {
      const p = { ...C0, shape, aspectRatio: 10, aEff: 'half-envelope' as const, hExtM: 0.8e-6 };
      const run = simulateReduced(p, phases, S0, times);
      expect(run.s1M[120]).toBeLessThan(0);
      for (let i = 1; i <= 120; i++) {
        const dep = 0.8e-6 * -run.s1M[i];
        const dis = 1e-6 * (L0 - run.s2M[i]);
        expect(Math.abs(dep - dis)).toBeLessThanOrEqual(1e-12 * dis + 1e-30);
      }
    }
  });

  it('fuzz: any shape, kinetics, ledger, lag, smoothing and current program gives finite, ordered, consistent runs', () => {
    fc.assert(
      fc.property(
        fc.record({
          shape: fc.constantFrom('strip', 'penny', 'sphere', 'prolate'),
          kinetics: fc.constantFrom('bv', 'linear'),
          ledger: fc.boolean(),
          lag: fc.boolean(),
          smooth: fc.boolean(),
          halfEnvelope: fc.boolean(),
          theta: fc.double({ min: -3, max: 3, noNaN: true }),
          hExt: fc.double({ min: 0.2, max: 3, noNaN: true }),
          hDiss: fc.double({ min: 0.2, max: 3, noNaN: true }),
          hRefill: fc.double({ min: 0.2, max: 3, noNaN: true }),
          alphaA: fc.double({ min: 0.2, max: 0.8, noNaN: true }),
          etaMV: fc.option(fc.double({ min: 0, max: 15, noNaN: true }), { nil: null }),
          currents: fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 1, maxLength: 5 }),
        }),
        (c) => {
          const p: ReducedModelParams = {
            ...C0,
            shape: c.shape,
            aspectRatio: 8,
            kinetics: c.kinetics,
            thicknessLedger: c.ledger,
            lag: c.lag ? { youngPa: 150e9, poisson: 0.26 } : null,
            smoothingEpsV: c.smooth ? 2e-4 : 0,
            aEff: c.halfEnvelope ? 'half-envelope' : 'half-length',
            thetaRad: c.theta,
            hExtM: c.hExt * UM,
            hDissM: c.hDiss * UM,
            hRefillM: c.hRefill * UM,
            alphaA: c.alphaA,
            etaThV: c.etaMV === null ? null : c.etaMV * 1e-3,
          };
          const program = { tS: c.currents.map((_, i) => 600 * i), jnAPerM2: c.currents };
          const times = Array.from({ length: 61 }, (_, i) => 50 * i);
          const run = simulateReduced(p, program, S0, times);
          const v0 = c.hDiss * UM * L0;
          for (let i = 0; i < times.length; i++) {
            expect(Number.isFinite(run.s1M[i]) && Number.isFinite(run.s2M[i]) && Number.isFinite(run.centroidM[i])).toBe(true);
            expect(run.s2M[i]).toBeGreaterThan(run.s1M[i]);
            expect(run.envelopeLoM![i]).toBeLessThanOrEqual(run.s1M[i]);
            expect(run.envelopeHiM![i]).toBeGreaterThanOrEqual(run.s2M[i]);
            expect(run.currentA[i]).toBeGreaterThanOrEqual(0);
            expect(run.volumePerWidthM2![i]).toBe(v0);
            if (c.ledger) expect(run.centroidM[i] > run.s1M[i] && run.centroidM[i] < run.s2M[i]).toBe(true);
          }
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });

  it('output before the program start is the initial state; breakpoints are honoured exactly', () => {
    const run = simulateReduced(C0, { tS: [100], jnAPerM2: [JN] }, { ...S0, t0S: 0 }, [-5, 0, 50, 100, 700]);
    expect(Array.from(run.s1M.slice(0, 4))).toEqual([0, 0, 0, 0]);
    const ref = simulateReduced(C0, constant(JN), S0, [600]);
    expect(rel(run.s1M[4], ref.s1M[0])).toBeLessThan(1e-12);
  });

  it('rejects invalid input with InputError naming the field', () => {
    expect(() => simulateReduced({ ...C0, hExtM: -1 }, constant(JN), S0, [0])).toThrow(InputError);
    expect(() => simulateReduced(C0, constant(JN), { s1M: 1, s2M: 0 }, [0])).toThrow(/s1M < s2M/);
    expect(() => simulateReduced(C0, { tS: [0, 0], jnAPerM2: [1, 2] }, S0, [0])).toThrow(/strictly increasing/);
    expect(() => simulateReduced(C0, constant(JN), S0, [2, 1])).toThrow(/sorted/);
  });
});
