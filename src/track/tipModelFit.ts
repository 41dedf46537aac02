/**
 * Sub-pixel dendrite tip from a local 2-D model of the crack tip's image (findTips, step 3).
 *
 * Why a model: near its apex a Li-filled crack is narrower than the PSF, so its darkening fades
 * before the apex and a 1-D profile or row centroids read the tip where the crack is wide enough
 * to be seen: behind the apex along the axis, and — for a tilted crack — toward the wider part
 * behind it across the axis. A model of the whole tip region, blurred like the image, puts the
 * apex where the shape has it.
 *
 * Shape (canonical coordinates: u along the electrode, v into the crystal), with the apex A at
 * (u0, v0), the axis e = (sin φ, cos φ) pointing in the growth direction, d ≥ 0 the distance
 * behind the apex along −e and r the offset across it:
 *
 *     crack = { |r| ≤ h(d) },   h(d)² = k²·d + m·d²
 *
 * a conic tip: m = 0 is the √ opening of linear-elastic fracture mechanics (a parabola of apex
 * radius k²/2), m > 0 a √ tip turning into a wedge of half-angle atan √m (hyperbola), m < 0 a tip
 * that widens slower than √ (ellipse; bounded so that it stays open over the window). The
 * crack is painted with contrast C on a background b, and imaged through a Gaussian PSF σ and
 * the pixel's square aperture. Everything is closed form per row: a line v = y cuts the (convex)
 * conic in one interval [uL(y), uR(y)] (a quadratic), whose blurred, pixel-integrated lateral
 * profile is σ·[G((uR − u + ½)/σ) − G((uR − u − ½)/σ) − (same at uL)], G(x) = x·Φ(x) + φ(x);
 * the axial blur is a sum over thin slices (SLICE_EDGES, anchored at the shape's deepest point) with
 * the pixel-integrated Gaussian as weight. The model is therefore exact up to that quadrature.
 *
 * Fit: θ = [u0, v0, φ, a = k², q = a + 2·D_OPEN·m, σ] (a box: a ≥ 0, q ≥ 0, so the straight
 * wedge a = 0 is in the family) by bounded Levenberg–Marquardt (Nielsen's damping; parameters at
 * a bound held there while the gradient pushes outward) with b and C projected out (variable
 * projection), on the darkening of a window around the coarse tip (rows from BEHIND px behind it
 * to AHEAD px ahead, columns covering the crack there); pixels of other crack regions are left
 * out. It stops when the full Gauss–Newton step would lower χ² by less than CHI2_TOL pixel
 * variances, i.e. the remaining parameter change is a small fraction of their standard errors.
 *
 * Bluntness and apex: h² = a·d + m·d² (m > 0) is, but for the constant a²/(4m), the wedge
 * m·(d + a/(2m))², i.e. a sharp wedge whose apex lies a/(2m) AHEAD. A small bluntness therefore
 * moves the fitted apex back by a/(2m) while changing the image only in second order (the
 * darkening of a sub-resolution sliver at the apex): the data barely tell the two apart, and tiny
 * departures of the image from the model (sampling of the rendered or real tip, quantisation)
 * decide it. So when the fit's bluntness is below the resolution (tip radius a/2 under a quarter
 * of the PSF σ, with m > 0), the sharp tip (a = 0) is fitted too and both are weighed by their
 * evidence (Δχ², and the Occam factor of a with a uniform prior over its box); the apex is their
 * weighted mean and its σ includes their spread. The apex σ comes from the normal equations at
 * the optimum, scaled by the larger of the stated noise and the residual scatter plus a model
 * error of MODEL_ERR of the contrast.
 */
import { solveSym } from './edgeFit.js';

export interface TipModelInput {
  /** Relative darkening image (canonical, optical blur only) and its size. */
  D: Float32Array;
  cw: number;
  ch: number;
  /** Coarse tip (u, v) and axis angle φ [rad] (e = (sin φ, cos φ)). */
  u: number;
  v: number;
  angleRad: number;
  /** Half-width of the crack `behindPx` behind the coarse tip [px] (window width, start of k). */
  halfWidthPx: number;
  /** Label image and this crack's label: pixels of other regions are not fitted. */
  labels?: Int32Array;
  label?: number;
  /** Pixels (u, v) not to fit (e.g. the electrode). */
  excluded?: (u: number, v: number) => boolean;
  /** 1-σ noise of one darkening pixel (for the uncertainty). */
  noiseSigma: number;
}

export interface TipModelResult {
  /** Apex (canonical) [px]. */
  u: number;
  v: number;
  angleRad: number;
  /** 1-σ uncertainty of the apex along the axis and across it [px]. */
  sigmaAlongPx: number;
  sigmaAcrossPx: number;
  /** Shape: h(d)² = k²·d + m·d²; PSF σ [px]; contrast and background. */
  k: number;
  m: number;
  psfSigmaPx: number;
  contrast: number;
  baseline: number;
  rmsResidual: number;
  iterations: number;
}

/** Window rows behind / ahead of the coarse tip [px]. */
const BEHIND = 8;
export const TIP_MODEL_BEHIND_PX = BEHIND;
const AHEAD = 4;
/**
 * Axial slices: the depths of their edges behind the shape's deepest point [px] — fine where the
 * width rises as √ (the first half pixel), 0.5 px beyond (model error ~3·10⁻³ of the contrast;
 * 1 px slices beyond 3 px move the apex by up to 0.1 σ, 1 px everywhere by ~0.4 σ on wide tips).
 */
const SLICE_EDGES: number[] = [0, 0.04, 0.12, 0.25];
for (let d = 0.5; d <= 64; d += 0.5) SLICE_EDGES.push(d);
/**
 * Beyond this many σ from an edge the blurred edge is taken as 0 or 1: a step of Φ(−3) = 0.13 %
 * of the contrast, under the model-error floor MODEL_ERR (0.5 %). 4σ costs ~20 % more time per
 * fit for the same accuracy-bench figures (RMSE equal to 0.01 px in every scenario).
 */
const CUT = 3;
const INV_SQRT2PI = 1 / Math.sqrt(2 * Math.PI);

// Φ and φ on a grid of step 1/16 over [−CUT, CUT] with their derivatives (φ and −x·φ), for
// cubic Hermite interpolation (error < 10⁻⁸, far below any image noise).
const TH = 1 / 16;
const TN = Math.round((2 * CUT) / TH) + 1;
const T_CDF = new Float64Array(TN), T_PDF = new Float64Array(TN), T_DPDF = new Float64Array(TN);
for (let k = 0; k < TN; k++) {
  const x = -CUT + k * TH;
  T_CDF[k] = exactCdf(x);
  T_PDF[k] = Math.exp(-0.5 * x * x) * INV_SQRT2PI;
  T_DPDF[k] = -x * T_PDF[k];
}

/** Φ(x) to double precision (erfc continued fraction / series), for the table. */
function exactCdf(x: number): number {
  // Φ(x) = ½·erfc(−x/√2); erfc by its series for |z| < 3 and its continued fraction beyond
  const z = -x * Math.SQRT1_2;
  const az = Math.abs(z);
  let erfcAz: number;
  if (az < 3) {
    // erf(z) = 2/√π · Σ (−1)ⁿ z^(2n+1) / (n!(2n+1))
    let sum = 0, term = az;
    for (let n = 0; n < 200; n++) {
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
      term *= (-az * az) / (n + 1);
    }
    erfcAz = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // continued fraction (Lentz): erfc(z) = exp(−z²)/√π · 1/(z + ½/(z + 1/(z + 3/2/(z + …))))
    let f = az;
    for (let n = 60; n >= 1; n--) f = az + n / 2 / f;
    erfcAz = Math.exp(-az * az) / Math.sqrt(Math.PI) / f;
  }
  const erfc = z >= 0 ? erfcAz : 2 - erfcAz;
  return 0.5 * erfc;
}

/** Φ(x), φ(x) and G(x) = x·Φ(x) + φ(x) into out[o…o+2] (table, cubic Hermite). */
function normal3(x: number, out: Float64Array, o: number): void {
  if (x >= CUT) { out[o] = 1; out[o + 1] = 0; out[o + 2] = x; return; }
  if (x <= -CUT) { out[o] = 0; out[o + 1] = 0; out[o + 2] = 0; return; }
  const f = (x + CUT) / TH;
  const k = Math.min(TN - 2, f | 0);
  const t = f - k, t2 = t * t, t3 = t2 * t;
  const h00 = 2 * t3 - 3 * t2 + 1, h10 = (t3 - 2 * t2 + t) * TH, h01 = 1 - h00, h11 = (t3 - t2) * TH;
  const cdf = h00 * T_CDF[k] + h10 * T_PDF[k] + h01 * T_CDF[k + 1] + h11 * T_PDF[k + 1];
  const pdf = h00 * T_PDF[k] + h10 * T_DPDF[k] + h01 * T_PDF[k + 1] + h11 * T_DPDF[k + 1];
  out[o] = cdf;
  out[o + 1] = pdf;
  out[o + 2] = x * cdf + pdf;
}

/**
 * Nonlinear parameters θ = [u0, v0, φ, a, q, σ] with a = k² and q = a + 2·D_OPEN·m, i.e.
 * h(d)² = a·d + (q − a)·d²/(2·D_OPEN), q being the slope of h² at the depth D_OPEN. The shape
 * bounds are a box — a ≥ 0 (k real) and q > 0 (an ellipse tip still widens at D_OPEN, i.e. stays
 * open over the window) — and every conic tip of the family is reachable, including the straight
 * wedge (a = 0, m = tan² of its half-angle). A lower bound on k (k ≥ 0.2 before, or m tied to k²
 * by m = ν·k² with ν bounded) excludes it: a wedge tip then reads blunt, and its apex a/(2m)
 * behind the true one (0.55 px for k = 0.2 and a 10.8° half-angle).
 */
const NT = 6;
const D_OPEN = BEHIND + 4;
/** m of (a, q). */
const mOf = (a: number, q: number): number => (q - a) / (2 * D_OPEN);
const MAX_IT = 30;
/** Converged when the full Gauss–Newton step would lower χ² (in units of the pixel variance) by less than this. */
const CHI2_TOL = 0.01;
/** Model error per pixel, as a fraction of the contrast (see s2Of in fitTipModel). */
const MODEL_ERR = 0.005;

/**
 * Where the line at depth Δ behind the apex (v = v0 − Δ) cuts the conic of (φ, k, m): its
 * interval [u0 + out[0], u0 + out[1]], or false when it misses it. With d = (Δ − r·sin φ)/cos φ
 * on the line and u = u0 − Δ·tan φ + r/cos φ, |r| ≤ h(d) is A·r² + B·r + C ≤ 0.
 */
function cut(s: number, c: number, k2: number, m: number, dl: number, out: Float64Array): boolean {
  const A = c * c - m * s * s;
  const B = s * (k2 * c + 2 * m * dl);
  const disc = c * c * (s * s * k2 * k2 + 4 * c * k2 * dl + 4 * m * dl * dl);
  if (!(disc > 0)) return false;
  const rMid = -B / (2 * A);
  if (dl - rMid * s < 0) return false; // the other branch of a hyperbola
  const sq = Math.sqrt(disc) / (2 * A);
  const uc = (-dl * s) / c;
  out[0] = uc + (rMid - sq) / c;
  out[1] = uc + (rMid + sq) / c;
  return true;
}

/** Depth of the conic's deepest point beyond the apex row (≤ 0): Δ* = −k²s²/(2(c + √(c² − m s²))). */
function deepest(s: number, c: number, k2: number, m: number): number {
  return (-k2 * s * s) / (2 * (c + Math.sqrt(c * c - m * s * s)));
}

/**
 * The model on a window: rows y = r0 … r0 + nr − 1, columns u = c0 … c0 + nc − 1; unit contrast
 * F(θ) and, on request, its derivatives ∂F/∂θ (NT planes of nr × nc).
 */
export class TipModel {
  private readonly lat: Float64Array;
  private readonly dR: Float64Array;
  private readonly dL: Float64Array;
  private readonly dS: Float64Array;
  private readonly nb: Float64Array;
  private readonly na: Float64Array;
  private readonly ivl = new Float64Array(2);
  private readonly ivp = new Float64Array(2);
  readonly n: number;
  constructor(readonly r0: number, readonly nr: number, readonly c0: number, readonly nc: number) {
    this.lat = new Float64Array(nc);
    this.dR = new Float64Array(nc);
    this.dL = new Float64Array(nc);
    this.dS = new Float64Array(nc);
    this.nb = new Float64Array(6 * (nc + 1));
    this.na = new Float64Array(3 * (nr + 1));
    this.n = nr * nc;
  }

  /** Geometry valid for θ (the conic is cut by rows in bounded intervals). */
  ok(th: ArrayLike<number>): boolean {
    const m = mOf(th[3], th[4]);
    const s = Math.sin(th[2]), c = Math.cos(th[2]);
    return c * c - m * s * s > 1e-3 && th[5] > 0;
  }

  /**
   * F(θ) into F; with jac, ∂F/∂θ_p into jac[p·n …]. Shape quantities (the deepest point Δ*, the
   * intervals) are differentiated by central differences of their closed forms, the rest
   * analytically.
   */
  eval(th: ArrayLike<number>, F: Float64Array, jac?: Float64Array): void {
    const u0 = th[0], v0 = th[1], phi = th[2], k2 = th[3], q = th[4], sig = th[5];
    const m = mOf(k2, q);
    const s = Math.sin(phi), c = Math.cos(phi);
    const { r0, nr, c0, nc, n, lat, dR, dL, dS, nb, na, ivl, ivp } = this;
    F.fill(0);
    if (jac) jac.fill(0);
    if (!this.ok(th)) return;
    const dStar = deepest(s, c, k2, m);
    // derivatives of the deepest point and of the cut w.r.t. φ, k, m (central differences)
    const H = 1e-6;
    const geo = [
      [Math.sin(phi + H), Math.cos(phi + H), k2, m, Math.sin(phi - H), Math.cos(phi - H), k2, m],
      [s, c, k2 + H, mOf(k2 + H, q), s, c, k2 - H, mOf(k2 - H, q)],
      [s, c, k2, mOf(k2, q + H), s, c, k2, mOf(k2, q - H)],
    ];
    const dStarP = geo.map((g) => (deepest(g[0], g[1], g[2], g[3]) - deepest(g[4], g[5], g[6], g[7])) / (2 * H));
    const dEnd = v0 - (r0 - 0.5) + CUT * sig - dStar;
    const yp = [0, 0, 0], uLp = [0, 0, 0], uRp = [0, 0, 0];
    const inv = 1 / sig;
    let lo = 0;
    for (let q = 0; lo < dEnd && q + 1 < SLICE_EDGES.length; q++) {
      const hi = SLICE_EDGES[q + 1];
      const x = 0.5 * (lo + hi), thick = hi - lo;
      lo = hi;
      const dl = dStar + x;
      const y = v0 - dl;
      const jLo = Math.max(0, Math.ceil(y - CUT * sig - 0.5 - r0)), jHi = Math.min(nr - 1, Math.floor(y + CUT * sig + 0.5 - r0));
      if (jLo > jHi) continue;
      if (!cut(s, c, k2, m, dl, ivl)) continue;
      const uL = u0 + ivl[0], uR = u0 + ivl[1];
      // lateral, pixel-integrated: σ·[G((uR − u + ½)/σ) − G((uR − u − ½)/σ)] − (same at uL)
      // only the columns within CUT·σ of the interval see it
      const iLo = Math.max(0, Math.floor(uL - CUT * sig - c0)), iHi = Math.min(nc - 1, Math.ceil(uR + CUT * sig - c0));
      if (iLo > iHi) continue;
      for (let i = iLo; i <= iHi + 1; i++) {
        const bnd = c0 + i - 0.5;
        normal3((uR - bnd) * inv, nb, 6 * i);
        normal3((uL - bnd) * inv, nb, 6 * i + 3);
      }
      for (let i = iLo; i <= iHi; i++) {
        const a = 6 * i, b = a + 6;
        lat[i] = sig * (nb[a + 2] - nb[b + 2] - nb[a + 5] + nb[b + 5]);
        dR[i] = nb[a] - nb[b];
        dL[i] = nb[b + 3] - nb[a + 3];
        dS[i] = nb[a + 1] - nb[b + 1] - nb[a + 4] + nb[b + 4];
      }
      // axial, pixel-integrated: thick·[Φ((y_j + ½ − y)/σ) − Φ((y_j − ½ − y)/σ)]
      for (let j = jLo; j <= jHi + 1; j++) normal3((r0 + j - 0.5 - y) * inv, na, 3 * j);
      if (jac) {
        for (let p = 0; p < 3; p++) {
          const g = geo[p];
          yp[p] = -dStarP[p];
          // the cut at this slice's depth for the perturbed shape (its Δ moves with Δ*)
          const okP = cut(g[0], g[1], g[2], g[3], deepest(g[0], g[1], g[2], g[3]) + x, ivp);
          const pL = ivp[0], pR = ivp[1];
          const okM = cut(g[4], g[5], g[6], g[7], deepest(g[4], g[5], g[6], g[7]) + x, ivp);
          if (okP && okM) {
            uLp[p] = (pL - ivp[0]) / (2 * H);
            uRp[p] = (pR - ivp[1]) / (2 * H);
          } else {
            uLp[p] = 0;
            uRp[p] = 0;
          }
        }
      }
      for (let j = jLo; j <= jHi; j++) {
        const a = 3 * j, b = a + 3;
        const w = thick * (na[b] - na[a]);
        const o = j * nc;
        if (!jac) {
          if (w !== 0) for (let i = iLo; i <= iHi; i++) F[o + i] += w * lat[i];
          continue;
        }
        // ∂w/∂y and ∂w/∂σ
        const wy = thick * inv * (na[a + 1] - na[b + 1]);
        const pa = (r0 + j - 0.5 - y) * inv, pb = pa + inv;
        const ws = thick * inv * (pa * na[a + 1] - pb * na[b + 1]);
        const c2a = wy * yp[0], c2b = w * uRp[0], c2c = w * uLp[0];
        const c3a = wy * yp[1], c3b = w * uRp[1], c3c = w * uLp[1];
        const c4a = wy * yp[2], c4b = w * uRp[2], c4c = w * uLp[2];
        for (let i = iLo; i <= iHi; i++) {
          const L = lat[i], R = dR[i], Lf = dL[i];
          const idx = o + i;
          F[idx] += w * L;
          jac[idx] += w * (R + Lf);
          jac[n + idx] += wy * L;
          jac[2 * n + idx] += c2a * L + c2b * R + c2c * Lf;
          jac[3 * n + idx] += c3a * L + c3b * R + c3c * Lf;
          jac[4 * n + idx] += c4a * L + c4b * R + c4c * Lf;
          jac[5 * n + idx] += ws * L + w * dS[i];
        }
      }
    }
  }
}

/** b and C by least squares for the basis {1, F} on the valid pixels; residuals into r, Σr² returned. */
function project(F: Float64Array, idx: Int32Array, y: Float64Array, r: Float64Array, out: { b: number; C: number }): number {
  const nv = idx.length;
  let sf = 0, sy = 0, sff = 0, sfy = 0;
  for (let k = 0; k < nv; k++) {
    const f = F[idx[k]], yk = y[k];
    sf += f; sy += yk; sff += f * f; sfy += f * yk;
  }
  const det = nv * sff - sf * sf;
  const C = det > 1e-12 ? (nv * sfy - sf * sy) / det : 0;
  const b = (sy - C * sf) / nv;
  let ss = 0;
  for (let k = 0; k < nv; k++) {
    const e = y[k] - b - C * F[idx[k]];
    r[k] = e;
    ss += e * e;
  }
  out.b = b;
  out.C = C;
  return ss;
}

/**
 * Fit the tip model around a coarse tip.
 * @returns the apex, or null when the window leaves the image, too few pixels are usable, or the
 *   fit is not credible (no contrast, apex at the window's limits); the caller keeps its estimate
 */
export function fitTipModel(inp: TipModelInput): TipModelResult | null {
  const { D, cw, ch, labels, label } = inp;
  const vt = Math.round(inp.v);
  const r0 = vt - BEHIND, nr = BEHIND + AHEAD + 1;
  const R = Math.max(4, Math.min(14, Math.ceil(inp.halfWidthPx + Math.abs(Math.tan(inp.angleRad)) * BEHIND + 4)));
  const uc = Math.round(inp.u - Math.tan(inp.angleRad) * BEHIND * 0.5);
  const c0 = uc - R, nc = 2 * R + 1;
  const n = nr * nc;
  // the fitted pixels: their window index and darkening
  const idxAll = new Int32Array(n), yAll = new Float64Array(n);
  let nv = 0;
  for (let j = 0; j < nr; j++) {
    const v = r0 + j;
    if (v < 0 || v >= ch) continue;
    for (let i = 0; i < nc; i++) {
      const u = c0 + i;
      if (u < 0 || u >= cw || inp.excluded?.(u, v)) continue;
      const p = v * cw + u;
      if (labels && label !== undefined && labels[p] !== 0 && labels[p] !== label) continue;
      idxAll[nv] = j * nc + i;
      yAll[nv] = D[p];
      nv++;
    }
  }
  if (nv < 0.6 * n) return null;
  const idx = idxAll.subarray(0, nv), y = yAll.subarray(0, nv);
  const model = new TipModel(r0, nr, c0, nc);
  // a = k² up to k = 12; q from a wedge of half-angle 1.8° (or an ellipse tip open to 2·D_OPEN)
  // up to k = 12 plus a wedge of m = 1.5 (half-angle 51°)
  const lower = [inp.u - 4, inp.v - 4, inp.angleRad - 0.5, 0, 0.025, 0.4];
  const upper = [inp.u + 4, inp.v + 4, inp.angleRad + 0.5, 144, 144 + 2 * D_OPEN * 1.5, 3];
  /** θ clamped to its box, as a new Float64Array (one array type for the model's hot loops). */
  const clamp = (q: ArrayLike<number>): Float64Array => Float64Array.from({ length: NT }, (_, i) => Math.min(upper[i], Math.max(lower[i], q[i])));
  // model and derivatives at θ (F, jac) and at a trial θ (Fp, jacP); a trial is evaluated with
  // its derivatives, so an accepted step needs no further evaluation
  let F = new Float64Array(n), Fp = new Float64Array(n), jac = new Float64Array(NT * n), jacP = new Float64Array(NT * n);
  let r = new Float64Array(nv), r2 = new Float64Array(nv);
  const lin = { b: 0, C: 0 }, lin2 = { b: 0, C: 0 };
  let th: Float64Array = new Float64Array(NT);
  let ss = 0;
  const A = new Float64Array(NT * NT), g = new Float64Array(NT), M = new Float64Array(NT * NT);
  const cj = new Float64Array(NT), b1 = new Float64Array(NT), bF = new Float64Array(NT);
  const fixed = new Uint8Array(NT);
  /**
   * Normal equations at θ (Kaufman's variable projection: the columns C·∂F/∂θ with their part
   * in span{1, F} removed; the residual is already orthogonal to it).
   */
  const normal = (): void => {
    const C = lin.C;
    let sf = 0, sff = 0;
    for (let k = 0; k < nv; k++) { const f = F[idx[k]]; sf += f; sff += f * f; }
    const det = nv * sff - sf * sf;
    // least-squares coefficients of each column on {1, F}
    for (let a = 0; a < NT; a++) {
      const o = a * n;
      let s1 = 0, sF = 0;
      for (let k = 0; k < nv; k++) { const q = idx[k], jv = jac[o + q]; s1 += jv; sF += jv * F[q]; }
      bF[a] = det > 1e-12 ? (nv * sF - sf * s1) / det : 0;
      b1[a] = (s1 - bF[a] * sf) / nv;
    }
    A.fill(0);
    g.fill(0);
    for (let k = 0; k < nv; k++) {
      const q = idx[k], f = F[q], rk = r[k];
      for (let a = 0; a < NT; a++) cj[a] = C * (jac[a * n + q] - b1[a] - bF[a] * f);
      for (let a = 0; a < NT; a++) {
        const ja = cj[a];
        g[a] += ja * rk;
        for (let c = a; c < NT; c++) A[a * NT + c] += ja * cj[c];
      }
    }
    for (let a = 0; a < NT; a++) for (let c = 0; c < a; c++) A[a * NT + c] = A[c * NT + a];
  };
  /** Solve (A + λ·diag A) x = g over the parameters not held at a bound (x = 0 there). */
  const solveDamped = (lambda: number): Float64Array | null => {
    for (let a = 0; a < NT; a++) {
      for (let c = 0; c < NT; c++) M[a * NT + c] = fixed[a] || fixed[c] ? (a === c ? 1 : 0) : A[a * NT + c];
      if (!fixed[a]) M[a * NT + a] += lambda * A[a * NT + a] + 1e-12 * (A[a * NT + a] + 1e-12);
    }
    const rhs = Float64Array.from(g, (x, a) => (fixed[a] ? 0 : x));
    return solveSym(M, rhs, NT);
  };
  /**
   * Variance per pixel: the larger of the stated noise and the residual scatter, plus the model
   * error (MODEL_ERR of the contrast C: the image is never exactly the model's — a rendered or
   * real tip has sub-pixel structure that no smooth conic has — and that error is systematic, so
   * it is not averaged away by the number of pixels).
   */
  const s2Of = (sse: number, C: number) => Math.max(inp.noiseSigma * inp.noiseSigma, sse / Math.max(1, nv - NT - 2)) + (MODEL_ERR * C) ** 2;
  /**
   * Bounded LM from θ0; with `sharp` the tip is held sharp (a = 0). Leaves θ, Σr², b, C, F, jac,
   * r and the normal equations (A, g) at the result; returns the number of iterations.
   */
  const solve = (th0: ArrayLike<number>, sharp: boolean): number => {
    th = clamp(th0);
    if (sharp) th[3] = 0;
    model.eval(th, F, jac);
    ss = project(F, idx, y, r, lin);
    let lambda = 1e-3, nu = 2, it = 0;
    for (; it < MAX_IT; it++) {
      normal();
      // parameters at a bound that the gradient pushes outward are held there for this step
      for (let a = 0; a < NT; a++) {
        fixed[a] = (th[a] <= lower[a] + 1e-9 && g[a] < 0) || (th[a] >= upper[a] - 1e-9 && g[a] > 0) || (sharp && a === 3) ? 1 : 0;
      }
      // converged when the full Gauss–Newton step would lower χ² by less than CHI2_TOL (its
      // parameter change is then a small fraction of their standard errors)
      const gn = solveDamped(0);
      if (!gn) break;
      let dec = 0;
      for (let a = 0; a < NT; a++) dec += gn[a] * g[a];
      if (dec < CHI2_TOL * s2Of(ss, lin.C)) break;
      let improved = false;
      for (let tries = 0; tries < 6; tries++) {
        const dp = solveDamped(lambda);
        if (!dp) { lambda *= nu; nu *= 2; continue; }
        const q = th.slice();
        for (let a = 0; a < NT; a++) q[a] += dp[a];
        const qc = clamp(q);
        model.eval(qc, Fp, jacP);
        const ss2 = project(Fp, idx, y, r2, lin2);
        // gain ratio: actual over predicted decrease (Nielsen's damping update)
        let pred = 0;
        for (let a = 0; a < NT; a++) pred += dp[a] * (lambda * A[a * NT + a] * dp[a] + g[a]);
        const rho = (ss - ss2) / Math.max(pred, 1e-300);
        if (ss2 < ss) {
          th = qc; ss = ss2; lin.b = lin2.b; lin.C = lin2.C;
          [F, Fp] = [Fp, F];
          [jac, jacP] = [jacP, jac];
          [r, r2] = [r2, r];
          lambda *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
          lambda = Math.max(lambda, 1e-9);
          nu = 2;
          improved = true;
          break;
        }
        lambda *= nu;
        nu *= 2;
      }
      // no step lowers χ²: at the minimum (to rounding), and the last linearisation stands
      if (!improved) break;
    }
    if (it === MAX_IT) normal();
    return it;
  };
  /**
   * Covariance (per unit variance) of (u0, v0) and the variance of a from the normal equations
   * at the current θ, with a free (blunt model) or held at 0 (sharp model).
   */
  const cov = (sharp: boolean): { uu: number; uv: number; vv: number; aa: number } | null => {
    for (let a = 0; a < NT; a++) {
      for (let c = 0; c < NT; c++) M[a * NT + c] = sharp && (a === 3 || c === 3) ? (a === c ? 1 : 0) : A[a * NT + c];
      M[a * NT + a] += 1e-12 * (A[a * NT + a] + 1e-12);
    }
    const e0 = solveSym(M, [1, 0, 0, 0, 0, 0], NT), e1 = solveSym(M, [0, 1, 0, 0, 0, 0], NT);
    const e3 = sharp ? [0, 0, 0, 0] : solveSym(M, [0, 0, 0, 1, 0, 0], NT);
    if (!e0 || !e1 || !e3) return null;
    return { uu: e0[0], uv: e0[1], vv: e1[1], aa: e3[3] };
  };
  interface Fit { th: Float64Array; ss: number; b: number; C: number; cv: { uu: number; uv: number; vv: number; aa: number } | null }
  const k0 = Math.max(0.8, inp.halfWidthPx / Math.sqrt(BEHIND));
  // the conic tip, bluntness a free
  let it = solve([inp.u, inp.v, inp.angleRad, k0 * k0, k0 * k0, 1.0], false);
  const blunt: Fit = { th, ss, b: lin.b, C: lin.C, cv: cov(false) };
  // The sharp alternative (a = 0: a straight wedge). A bluntness a puts the conic's apex a/(2m)
  // behind the apex of its asymptotic wedge while changing the image only in second order, so a
  // bluntness below the resolution is an alias of the apex position and is not claimed unless
  // the data demand it: both are weighed by their evidence (Δχ² and the Occam factor of a, whose
  // prior is uniform over its box), and the apex is their weighted mean, its variance including
  // their spread.
  let sharp: Fit | null = null, wSharp = 0;
  {
    const s2 = s2Of(blunt.ss, blunt.C), sa = blunt.cv && blunt.cv.aa > 0 ? Math.sqrt(s2 * blunt.cv.aa) : Infinity;
    const occam = Math.log(upper[3] / (Math.sqrt(2 * Math.PI) * sa));
    const tb = blunt.th, m = mOf(tb[3], tb[4]);
    // tried for a hyperbola tip (m > 0) whose radius a/2 is below a quarter of the PSF σ, from
    // the wedge of the blunt fit's far field. (A blunt fit that ended at a = 0 is already sharp,
    // but its σ, linearised where a and the apex are degenerate, stays large: such an apex is left
    // to the caller's fallback.)
    if (m > 0 && tb[3] > 1e-9 && tb[3] < 0.5 * tb[5] && Number.isFinite(occam)) {
      const ms = Math.max(m, 0.01), shift = Math.min(2, tb[3] / (2 * ms));
      const s = Math.sin(tb[2]), c = Math.cos(tb[2]);
      it += solve([tb[0] + shift * s, tb[1] + shift * c, tb[2], 0, 2 * D_OPEN * ms, tb[5]], true);
      sharp = { th, ss, b: lin.b, C: lin.C, cv: cov(true) };
      // log Bayes factor of blunt over sharp: Δχ²/2 minus the Occam factor of a
      const lnBF = (sharp.ss - blunt.ss) / (2 * s2) - Math.max(0, occam);
      wSharp = sharp.cv && sharp.C > 0 ? 1 / (1 + Math.exp(Math.min(50, Math.max(-50, lnBF)))) : 0;
    }
  }
  const main = wSharp >= 0.5 ? sharp! : blunt;
  th = main.th; ss = main.ss;
  if (!(main.C > 0)) return null;
  // model-averaged apex
  const wB = 1 - wSharp;
  const uA = wSharp > 0 ? wSharp * sharp!.th[0] + wB * blunt.th[0] : blunt.th[0];
  const vA = wSharp > 0 ? wSharp * sharp!.th[1] + wB * blunt.th[1] : blunt.th[1];
  if (Math.abs(uA - inp.u) > 3.9 || Math.abs(vA - inp.v) > 3.9) return null;
  let sAlong = NaN, sAcross = NaN;
  {
    const s = Math.sin(th[2]), c = Math.cos(th[2]);
    let va = 0, vc = 0, ok = true;
    for (const [f, w] of [[blunt, wB], [sharp, wSharp]] as Array<[Fit | null, number]>) {
      if (!f || w <= 0) continue;
      if (!f.cv) { ok = false; break; }
      const s2 = s2Of(f.ss, f.C), cuu = s2 * f.cv.uu, cuv = s2 * f.cv.uv, cvv = s2 * f.cv.vv;
      const du = f.th[0] - uA, dv = f.th[1] - vA;
      va += w * (Math.max(0, s * s * cuu + 2 * s * c * cuv + c * c * cvv) + (du * s + dv * c) ** 2);
      vc += w * (Math.max(0, c * c * cuu - 2 * s * c * cuv + s * s * cvv) + (du * c - dv * s) ** 2);
    }
    if (ok) { sAlong = Math.sqrt(va); sAcross = Math.sqrt(vc); }
  }
  return {
    u: uA, v: vA, angleRad: th[2], sigmaAlongPx: sAlong, sigmaAcrossPx: sAcross,
    k: Math.sqrt(th[3]), m: mOf(th[3], th[4]), psfSigmaPx: th[5], contrast: main.C, baseline: main.b,
    rmsResidual: Math.sqrt(ss / nv), iterations: it,
  };
}
