/**
 * Growth rate of a dendrite and its apparent tip current density.
 *
 * The mean velocity is the OLS slope of length on TRUE time with a t-based 95 % interval; the
 * windowed velocity series fits the same line in sliding windows (the rate changes when the
 * current changes), with Theil–Sen (median of pairwise slopes) as the outlier-robust estimate
 * and the OLS interval of the window. j_tip = zF/V_m · v (src/core/units.ts), interval mapped
 * through the same linear relation.
 */
import { jTipAPerCm2FromVelocityUmPerS } from '../core/units.js';
import { fitLine } from './regression.js';

export interface TrackKinematics {
  velocityUmPerS: number;
  velocityCi95UmPerS: [number, number];
  jTipAPerCm2: number;
  jTipCi95APerCm2: [number, number];
  /** Length at t = 0 s from the regression [µm]. */
  interceptUm: number;
  residualSdUm: number;
  tStartS: number;
  tEndS: number;
  nPoints: number;
  rates: WindowedRate[];
}

export interface WindowedRate {
  /** Window centre [s]. */
  tS: number;
  velocityUmPerS: number;
  velocityCi95UmPerS: [number, number];
  jTipAPerCm2: number;
  jTipCi95APerCm2: [number, number];
}

/** Theil–Sen slope: median of all pairwise slopes. */
export function theilSenSlope(t: ArrayLike<number>, y: ArrayLike<number>): number {
  const s: number[] = [];
  for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) if (t[j] !== t[i]) s.push((y[j] - y[i]) / (t[j] - t[i]));
  s.sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

function jCi(ci: [number, number]): [number, number] {
  return [jTipAPerCm2FromVelocityUmPerS(ci[0]), jTipAPerCm2FromVelocityUmPerS(ci[1])];
}

/**
 * Kinematics of one track.
 * @param tS true times [s]
 * @param lengthUm lengths from the interface [µm]
 * @param windowPoints points per window of the windowed series (≥ 5)
 */
export function trackKinematics(tS: ArrayLike<number>, lengthUm: ArrayLike<number>, windowPoints = 15): TrackKinematics {
  const f = fitLine(tS, lengthUm);
  const n = tS.length;
  const rates: WindowedRate[] = [];
  const w = Math.max(5, windowPoints);
  if (n >= w + 2) {
    const stride = Math.max(1, Math.floor(w / 3));
    for (let a = 0; a + w <= n; a += stride) {
      const tt = Array.from({ length: w }, (_, k) => tS[a + k]);
      const yy = Array.from({ length: w }, (_, k) => lengthUm[a + k]);
      const wf = fitLine(tt, yy);
      const robust = theilSenSlope(tt, yy);
      const half = (wf.slopeCi95[1] - wf.slopeCi95[0]) / 2;
      const ci: [number, number] = [robust - half, robust + half];
      rates.push({
        tS: 0.5 * (tt[0] + tt[w - 1]),
        velocityUmPerS: robust,
        velocityCi95UmPerS: ci,
        jTipAPerCm2: jTipAPerCm2FromVelocityUmPerS(robust),
        jTipCi95APerCm2: jCi(ci),
      });
    }
  }
  return {
    velocityUmPerS: f.slope,
    velocityCi95UmPerS: f.slopeCi95,
    jTipAPerCm2: jTipAPerCm2FromVelocityUmPerS(f.slope),
    jTipCi95APerCm2: jCi(f.slopeCi95),
    interceptUm: f.intercept,
    residualSdUm: f.residualSd,
    tStartS: tS[0],
    tEndS: tS[n - 1],
    nPoints: n,
    rates,
  };
}
