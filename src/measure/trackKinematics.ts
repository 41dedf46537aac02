/**
 * Growth rate of a dendrite and its apparent tip current density.
 *
 * The mean velocity is the OLS slope of length on TRUE time with a t-based 95 % interval, after
 * setting aside outliers (points more than OUTLIER_Z robust σ — 1.4826 × the median absolute
 * residual — off the line, refitted until the set is stable; a tip read on a noise peak or a
 * neighbouring branch in one frame otherwise tilts the line, most at the ends); the
 * windowed velocity series fits the same line in sliding windows (the rate changes when the
 * current changes), with Theil–Sen (median of pairwise slopes) as the outlier-robust estimate
 * and the OLS interval of the window. j_tip = zF/V_m · v (src/core/units.ts), interval mapped
 * through the same linear relation.
 */
import { jTipAPerCm2FromVelocityUmPerS } from '../core/units.js';
import { fitLine, type LineFit } from './regression.js';

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
  /** Points set aside as outliers of the mean-velocity fit (still in nPoints). */
  nOutliers: number;
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

/** Residuals beyond this many robust σ are outliers of the mean-velocity fit (Gaussian noise: 6·10⁻⁵ of the points). */
export const OUTLIER_Z = 4;

/** OLS line after setting aside outliers (see the file's comment); at least half the points and 3 stay. */
export function fitLineRejecting(t: ArrayLike<number>, y: ArrayLike<number>): { fit: LineFit; nOutliers: number } {
  const n = t.length;
  let fit = fitLine(t, y);
  if (n < 5) return { fit, nOutliers: 0 };
  let inl = Array.from({ length: n }, (_, i) => i);
  for (let it = 0; it < 5; it++) {
    const abs = inl.map((i) => Math.abs(y[i] - fit.intercept - fit.slope * t[i])).sort((a, b) => a - b);
    const sigma = 1.4826 * abs[abs.length >> 1];
    if (!(sigma > 0)) break;
    const next: number[] = [];
    for (let i = 0; i < n; i++) if (Math.abs(y[i] - fit.intercept - fit.slope * t[i]) <= OUTLIER_Z * sigma) next.push(i);
    if (next.length < Math.max(3, Math.ceil(n / 2)) || (next.length === inl.length && next.every((v, k) => v === inl[k]))) break;
    inl = next;
    fit = fitLine(inl.map((i) => t[i]), inl.map((i) => y[i]));
  }
  return { fit, nOutliers: n - inl.length };
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
  const n = tS.length;
  const { fit: f, nOutliers } = fitLineRejecting(tS, lengthUm);
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
    nOutliers,
    rates,
  };
}
