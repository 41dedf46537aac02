/**
 * Smoothed tip positions of a track (tracks.csv extra columns tip_x_smooth_px, tip_y_smooth_px,
 * length_smooth_um). Pure.
 *
 * Each point is replaced by a straight line in true time fitted to the track's points within
 * ±`halfWindow` points of it (local-linear smoothing: a tip moving at a steady rate is followed
 * without lag or bias), with Tukey-bisquare weights on the distance from that line (c = 4.685
 * robust σ, three iterations), so a tip misread on a noise peak in one frame neither moves its
 * neighbours nor is kept itself. On the accuracy benchmark's scenarios ±4 points bring the tip
 * RMSE from 0.30 to 0.24 px (clean) and from 2.84 to 1.44 px (all hard factors at once). Positions
 * are smoothed in the canonical frame the tracker worked in (registered with --register) and put
 * back by each frame's own offset; without registration, frame-to-frame stage jitter is smoothed
 * away with the noise (drift-6: 0.27 → 0.69 px).
 *
 * The per-frame measurements stay in the contract columns and the rate is fitted to them: the
 * smoothed points of neighbouring frames share data, so their scatter about a line understates
 * the uncertainty of a rate fitted to them.
 */

export const SMOOTH_HALF_WINDOW_POINTS = 4;
const TUKEY_C = 4.685;

/** Smoothed (u, v) of each point (inputs in time order; fewer than 3 points are returned as they are). */
export function smoothTrack(tS: ArrayLike<number>, u: ArrayLike<number>, v: ArrayLike<number>, halfWindow = SMOOTH_HALF_WINDOW_POINTS): { u: Float64Array; v: Float64Array } {
  const n = tS.length;
  const su = Float64Array.from(u), sv = Float64Array.from(v);
  if (n < 3 || halfWindow < 1) return { u: su, v: sv };
  const w = new Float64Array(2 * halfWindow + 1), res = new Float64Array(2 * halfWindow + 1);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - halfWindow), hi = Math.min(n - 1, i + halfWindow), m = hi - lo + 1;
    w.fill(1, 0, m);
    let cu = u[i], cv = v[i];
    for (let it = 0; it < 4; it++) {
      // weighted line in (t − t_i): value at t_i is the intercept
      let sw = 0, st = 0, stt = 0, su0 = 0, sut = 0, sv0 = 0, svt = 0;
      for (let k = 0; k < m; k++) {
        const j = lo + k, dt = tS[j] - tS[i], wk = w[k];
        sw += wk; st += wk * dt; stt += wk * dt * dt; su0 += wk * u[j]; sut += wk * u[j] * dt; sv0 += wk * v[j]; svt += wk * v[j] * dt;
      }
      const det = sw * stt - st * st;
      if (!(sw > 0)) break;
      let bu = 0, bv = 0;
      if (det > 1e-12 * sw * sw) {
        bu = (sw * sut - st * su0) / det;
        bv = (sw * svt - st * sv0) / det;
      }
      cu = (su0 - bu * st) / sw;
      cv = (sv0 - bv * st) / sw;
      if (it === 3 || m < 4) break;
      // bisquare weights from the distances to this line
      for (let k = 0; k < m; k++) {
        const j = lo + k, dt = tS[j] - tS[i];
        res[k] = Math.hypot(u[j] - cu - bu * dt, v[j] - cv - bv * dt);
      }
      const sorted = Array.from(res.subarray(0, m)).sort((a, b) => a - b);
      const s = 1.4826 * sorted[m >> 1];
      if (!(s > 0)) break;
      for (let k = 0; k < m; k++) {
        const q = res[k] / (TUKEY_C * s);
        w[k] = q < 1 ? (1 - q * q) ** 2 : 0;
      }
    }
    su[i] = cu;
    sv[i] = cv;
  }
  return { u: su, v: sv };
}
