/**
 * The fitted tip-length line of one dendrite and its 95 % confidence band, rebuilt from
 * summary.json (slope and its interval) and the track's points (no refit of the slope).
 */
import type { TrackPoint, TrackSummary } from './runFolderTypes.js';

/** One sample of the fitted line with its 95 % band [µm]. */
export interface BandSample {
  tS: number;
  fitUm: number;
  loUm: number | null;
  hiUm: number | null;
}

/**
 * Line L(t) = intercept + v t over the fitted window and its 95 % band for the mean response.
 *
 * For ordinary least squares the band half-width is t*·s·√(1/n + (t−t̄)²/Sxx) and the slope
 * half-interval is h_v = t*·s/√Sxx, so the band is h_v·√(Sxx/n + (t−t̄)²). Writing it through
 * h_v reproduces the OLS band exactly when measure used OLS and carries any wider interval
 * (autocorrelation, tip σ) through consistently. Asymmetric slope intervals use (hi−lo)/2.
 * The intercept is summary `intercept_um` when present, else the least-squares level at slope v.
 *
 * @param points the track's tip points (length_um vs t_s)
 * @param summary the track's summary entry (velocity, interval, window)
 * @param nSamples samples along the line (≥ 2)
 * @returns samples, or [] when the summary has no velocity or the window holds < 2 points
 */
export function regressionBand(points: TrackPoint[], summary: TrackSummary, nSamples = 41): BandSample[] {
  const v = summary.velocityUmPerS;
  if (v === null) return [];
  const t0 = summary.tStartS ?? Math.min(...points.map((p) => p.tS));
  const t1 = summary.tEndS ?? Math.max(...points.map((p) => p.tS));
  const eps = 1e-9 * Math.max(1, Math.abs(t1));
  const win = points.filter((p) => p.tS >= t0 - eps && p.tS <= t1 + eps);
  const n = win.length;
  if (n < 2 || !(t1 > t0)) return [];
  const tBar = win.reduce((a, p) => a + p.tS, 0) / n;
  const lBar = win.reduce((a, p) => a + p.lengthUm, 0) / n;
  const sxx = win.reduce((a, p) => a + (p.tS - tBar) ** 2, 0);
  const intercept = summary.interceptUm ?? lBar - v * tBar;
  const ci = summary.velocityCi95UmPerS;
  const halfV = ci ? Math.abs(ci[1] - ci[0]) / 2 : null;
  const out: BandSample[] = [];
  const m = Math.max(2, Math.floor(nSamples));
  for (let i = 0; i < m; i++) {
    const t = t0 + ((t1 - t0) * i) / (m - 1);
    const fit = intercept + v * t;
    const h = halfV === null ? null : halfV * Math.sqrt(sxx / n + (t - tBar) ** 2);
    out.push({ tS: t, fitUm: fit, loUm: h === null ? null : fit - h, hiUm: h === null ? null : fit + h });
  }
  return out;
}
