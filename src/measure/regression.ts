/**
 * Ordinary least-squares line y = a + b·x with the standard errors and t-based 95 %
 * confidence intervals of slope and intercept, and an optional weighted form.
 */
import { studentTQuantile } from './studentT.js';

export interface LineFit {
  slope: number;
  intercept: number;
  slopeSe: number;
  interceptSe: number;
  /** 95 % confidence interval of the slope. */
  slopeCi95: [number, number];
  /** Residual standard deviation. */
  residualSd: number;
  n: number;
  /** Mean of x (for the confidence band of the line). */
  xMean: number;
  sxx: number;
  tCrit95: number;
}

/** Fit y = a + b x by ordinary least squares (n ≥ 3 for an interval; n = 2 gives NaN errors). */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) { const dx = x[i] - mx; sxx += dx * dx; sxy += dx * (y[i] - my); }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  const intercept = my - slope * mx;
  let ss = 0;
  for (let i = 0; i < n; i++) { const r = y[i] - intercept - slope * x[i]; ss += r * r; }
  const dof = n - 2;
  const s = dof > 0 ? Math.sqrt(ss / dof) : NaN;
  const slopeSe = s / Math.sqrt(sxx);
  const interceptSe = s * Math.sqrt(1 / n + (mx * mx) / sxx);
  const tCrit95 = dof > 0 ? studentTQuantile(0.975, dof) : NaN;
  return { slope, intercept, slopeSe, interceptSe, slopeCi95: [slope - tCrit95 * slopeSe, slope + tCrit95 * slopeSe], residualSd: s, n, xMean: mx, sxx, tCrit95 };
}

/** Half-width of the 95 % confidence band of the fitted line at x. */
export function lineBandHalfWidth(fit: LineFit, x: number): number {
  return fit.tCrit95 * fit.residualSd * Math.sqrt(1 / fit.n + ((x - fit.xMean) ** 2) / fit.sxx);
}
