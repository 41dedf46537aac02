/**
 * Sub-pixel end of the Li in a crack from a local 2-D model of the darkening around the end
 * (measureInclusion, step 4b).
 *
 * Why a model: a depositing end in extension mode sits in the narrowing tip of the crack it opens
 * ahead of itself. There the Li is narrower than the PSF, so its darkening along the axis falls
 * before the end, and any fixed-level crossing of the axial profile (half-way between the Li and
 * what lies beyond) reads short — by ≈ 0.3 px for a wedge tip 2 px ahead of the Li at a 1 px PSF,
 * while an end in a crack of full width (a dissolving end, or one refilling an emptied crack) is
 * read without bias. The bias changes when the current reverses, which a migration fit reads as a
 * velocity change (MODEL.md §2.4–2.5: it is what separates η_th from h_ext).
 *
 * Model, in local coordinates x along the axis (x increasing away from the Li) and r across it,
 * with the grid centred on the crack:
 *
 *   crack half-width h(s) = H · clip((t − s)/ℓ, 0, 1)   (full width H, a wedge tip at t; t ≥ e)
 *   contrast         c(s) = c_Li for s < e, c_crack for e ≤ s < t (emptied crack), 0 beyond
 *   image            D(x, r) = b + ∫ g_σ(x − s)·c(s)·[Φ((h(s) − r)/σ) − Φ((−h(s) − r)/σ)] ds
 *
 * i.e. the exact isotropic Gaussian blur (σ) of {|r| ≤ h(s)} painted with c(s): the lateral blur of
 * a bar is the Φ difference, the axial blur the integral. A full-width end (t far ahead) is the
 * special case h ≡ H. The integral runs over a uniform grid (spacing 0.2 px, accurate far beyond
 * the noise for σ ≥ 0.5 px) with the contrast step at e weighted by the fraction of each cell on
 * either side, so the model is continuous in e. Parameters [b, c_Li, c_crack, e, t − e, ℓ, H, σ]
 * are fitted by bounded Levenberg–Marquardt to the darkening sampled on a 1 px grid along and
 * across the axis; two starts (a tip just ahead of the end, and none in view) and the better
 * one is kept.
 */
import { solveSym } from '../edgeFit.js';
import { normalCdfTable } from '../normalTable.js';

export interface EndFitInput {
  /** Relative darkening image (optical blur only) and its size. */
  D: Float32Array;
  cw: number;
  ch: number;
  /** End estimate (u, v) [px], unit axis (u, v) pointing away from the Li, unit normal. */
  end: [number, number];
  out: [number, number];
  normal: [number, number];
  /** Li contrast (relative darkening) and half-width estimates [px]. */
  contrast: number;
  halfWidthPx: number;
  /** Contrast of the emptied crack, when measured elsewhere (its core); otherwise fitted. */
  crackContrast?: number;
}

export interface EndFitResult {
  /** Shift of the end along `out` from the estimate [px]. */
  shiftPx: number;
  /** Fitted half-width H, PSF σ, tip gap t − e, taper ℓ [px]; Li and crack contrast. */
  halfWidthPx: number;
  psfSigmaPx: number;
  tipGapPx: number;
  taperPx: number;
  cLi: number;
  cCrack: number;
  rmsResidual: number;
}

const DS = 0.2;
const X_BEHIND = 6; // px of Li behind the end in the window
const X_AHEAD = 5; // px beyond it
/**
 * Inclusions shorter than this have their ends from the half-level crossing alone [px]: the window
 * of one end holds X_BEHIND px of Li behind it, so in a shorter one the other end lies in the
 * window too, which the model (one end, Li of one contrast behind it) does not describe. Such
 * specks (noise, a particle's fragment) cost 2–16 ms of fitting per frame on the bench videos.
 */
export const END_MODEL_MIN_LENGTH_PX = 2 * X_BEHIND;
/** |axis component| above which the axis is taken as aligned with the pixel grid (< 0.5°). */
const ALIGNED_COS = Math.cos((0.5 * Math.PI) / 180);

function bilinear(D: Float32Array, cw: number, ch: number, u: number, v: number): number {
  if (u < 0 || v < 0 || u > cw - 1 || v > ch - 1) return NaN;
  const u0 = Math.min(Math.floor(u), cw - 2), v0 = Math.min(Math.floor(v), ch - 2);
  const fu = u - u0, fv = v - v0;
  const i = v0 * cw + u0;
  return (1 - fv) * ((1 - fu) * D[i] + fu * D[i + 1]) + fv * ((1 - fu) * D[i + cw] + fu * D[i + cw + 1]);
}

/**
 * Model on the grid xs × r_j, r_j = j + rOff (j = −R..R) across the crack centre, split into its
 * linear parts: D = b + c_Li·mLi + c_crack·mCrack for the nonlinear θ = [e, t − e, ℓ, H, σ].
 */
class EndModel {
  readonly nx: number;
  readonly nr: number;
  constructor(readonly xs: Float64Array, readonly R: number, readonly rOff: number) {
    this.nx = xs.length;
    this.nr = 2 * R + 1;
    this.latFull = new Float64Array(this.nr);
    this.latTaper = new Float64Array(this.nr);
    this.axLi = new Float64Array(this.nx);
    this.axCrack = new Float64Array(this.nx);
  }

  /** Lateral profiles (full width, and a taper cell's) and the axial sums of the full-width cells (Li, crack) per x. */
  private readonly latFull: Float64Array;
  private readonly latTaper: Float64Array;
  private readonly axLi: Float64Array;
  private readonly axCrack: Float64Array;

  basis(th: ArrayLike<number>, mLi: Float64Array, mCrack: Float64Array): void {
    const e = th[0], gap = th[1], ell = th[2], H = th[3], sig = th[4];
    const t = e + gap;
    const xs = this.xs, nx = this.nx, R = this.R, nr = this.nr;
    const sLo = xs[0] - 4 * sig, sHi = Math.min(xs[nx - 1] + 4 * sig, t);
    mLi.fill(0);
    mCrack.fill(0);
    if (!(sHi > sLo)) return;
    const nS = Math.ceil((sHi - sLo) / DS);
    const rOff = this.rOff;
    const { latFull, latTaper, axLi, axCrack } = this;
    const isig = 1 / sig;
    const fillLat = (h: number, lat: Float64Array) => {
      for (let j = 0; j < nr; j++) {
        const r = j - R + rOff;
        lat[j] = normalCdfTable((h - r) * isig) + normalCdfTable((h + r) * isig) - 1;
      }
    };
    fillLat(H, latFull);
    axLi.fill(0);
    axCrack.fill(0);
    const norm = DS / (sig * Math.sqrt(2 * Math.PI));
    for (let k = 0; k < nS; k++) {
      const a = sLo + k * DS, z = Math.min(a + DS, sHi);
      const w = z - a;
      if (w <= 0) break;
      const s = 0.5 * (a + z);
      // fraction of the cell on the Li side (continuous in e)
      const fLi = Math.min(1, Math.max(0, (e - a) / w));
      const h = H * Math.min(1, Math.max(0, (t - s) / ell));
      if (h <= 0) continue;
      const wL = fLi * (w / DS), wC = (1 - fLi) * (w / DS);
      // a full-width cell's lateral profile is latFull: its axial weights are summed per x and
      // multiplied out once (separable); a taper cell's profile Φ((h − r)/σ) + Φ((h + r)/σ) − 1 is its own
      const full = h >= H;
      if (!full) fillLat(h, latTaper);
      for (let ix = 0; ix < nx; ix++) {
        const d = (xs[ix] - s) / sig;
        if (d > 4.5 || d < -4.5) continue;
        const gk = norm * Math.exp(-0.5 * d * d);
        if (full) {
          axLi[ix] += gk * wL;
          axCrack[ix] += gk * wC;
          continue;
        }
        const row = ix * nr;
        if (wL > 0) for (let j = 0; j < nr; j++) mLi[row + j] += gk * wL * latTaper[j];
        if (wC > 0) for (let j = 0; j < nr; j++) mCrack[row + j] += gk * wC * latTaper[j];
      }
    }
    for (let ix = 0; ix < nx; ix++) {
      const row = ix * nr, aL = axLi[ix], aC = axCrack[ix];
      if (aL !== 0) for (let j = 0; j < nr; j++) mLi[row + j] += aL * latFull[j];
      if (aC !== 0) for (let j = 0; j < nr; j++) mCrack[row + j] += aC * latFull[j];
    }
  }
}

/** Nonlinear parameters θ = [e, t − e, ℓ, H, σ] and their bounds. */
const TH_LOWER = [-3, 0, 0.3, 0.5, 0.4];
const TH_UPPER = [3, 40, 40, 8, 2.5];

interface Projected {
  ss: number;
  /** [b, c_Li, c_crack] */
  beta: [number, number, number];
}

/** project's normal equations for [1, mLi, mCrack] (3 × 3) or [1, mLi] (2 × 2). */
const PROJ_A3 = new Float64Array(9), PROJ_A2 = new Float64Array(4), PROJ_G3 = new Float64Array(3), PROJ_G2 = new Float64Array(2);

/**
 * Variable projection: for θ, the linear parameters b, c_Li (and c_crack unless given) by least
 * squares; residuals into r.
 */
function project(model: EndModel, th: ArrayLike<number>, data: Float64Array, valid: Uint8Array, cCrack: number | undefined, mL: Float64Array, mC: Float64Array, r: Float64Array): Projected {
  model.basis(th, mL, mC);
  const n = data.length;
  const free = cCrack === undefined;
  const K = free ? 3 : 2;
  // normal equations of [1, mLi (, mCrack)] (the crack contrast known: its part taken off the data)
  let s11 = 0, s1L = 0, s1C = 0, sLL = 0, sLC = 0, sCC = 0, g1 = 0, gL = 0, gC = 0;
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    const l = mL[i], c = mC[i];
    const y = free ? data[i] : data[i] - cCrack! * c;
    s11 += 1; s1L += l; sLL += l * l; g1 += y; gL += l * y;
    if (free) { s1C += c; sLC += l * c; sCC += c * c; gC += c * y; }
  }
  // (solveSym works on copies: one scratch matrix of each size serves every call)
  const A = free ? PROJ_A3 : PROJ_A2, g = free ? PROJ_G3 : PROJ_G2;
  if (free) {
    A[0] = s11; A[1] = s1L; A[2] = s1C; A[3] = s1L; A[4] = sLL; A[5] = sLC; A[6] = s1C; A[7] = sLC; A[8] = sCC;
    g[0] = g1; g[1] = gL; g[2] = gC;
  } else {
    A[0] = s11; A[1] = s1L; A[2] = s1L; A[3] = sLL;
    g[0] = g1; g[1] = gL;
  }
  for (let a = 0; a < K; a++) A[a * K + a] += 1e-12;
  const x = solveSym(A, g, K);
  const beta: [number, number, number] = x ? [x[0], x[1], free ? x[2] : cCrack!] : [0, 0, cCrack ?? 0];
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const v = valid[i] ? data[i] - beta[0] - beta[1] * mL[i] - beta[2] * mC[i] : 0;
    r[i] = v;
    ss += v * v;
  }
  return { ss, beta };
}

/** Levenberg–Marquardt on θ (forward-difference Jacobian of the projected residuals). */
function fitFrom(model: EndModel, data: Float64Array, valid: Uint8Array, cCrack: number | undefined, start: ArrayLike<number>, maxIter: number): { th: Float64Array; pr: Projected } {
  const n = data.length;
  const NT = 5;
  // (θ always a Float64Array: as plain arrays, a start of whole numbers and a fitted θ had
  // different element kinds, and the compiled fit and model were thrown away at each switch)
  const clamp = (q: ArrayLike<number>) => Float64Array.from(q, (x, i) => Math.min(TH_UPPER[i], Math.max(TH_LOWER[i], x)));
  let th = clamp(start);
  const mL = new Float64Array(n), mC = new Float64Array(n);
  const r = new Float64Array(n), r2 = new Float64Array(n), rp = new Float64Array(n);
  let pr = project(model, th, data, valid, cCrack, mL, mC, r);
  const J = new Float64Array(n * NT);
  const A = new Float64Array(NT * NT), g = new Float64Array(NT);
  let lambda = 1e-2;
  for (let it = 0; it < maxIter; it++) {
    for (let k = 0; k < NT; k++) {
      const h = 1e-4 * Math.max(0.1, Math.abs(th[k]));
      const q = th.slice();
      q[k] = q[k] + h <= TH_UPPER[k] ? q[k] + h : q[k] - h;
      const step = q[k] - th[k];
      project(model, q, data, valid, cCrack, mL, mC, rp);
      // residual r = y − model: ∂model/∂θ = −∂r/∂θ
      for (let i = 0; i < n; i++) J[i * NT + k] = (r[i] - rp[i]) / step;
    }
    A.fill(0);
    g.fill(0);
    for (let i = 0; i < n; i++) {
      if (!valid[i]) continue;
      for (let a = 0; a < NT; a++) {
        const ja = J[i * NT + a];
        if (ja === 0) continue;
        g[a] += ja * r[i];
        for (let c = a; c < NT; c++) A[a * NT + c] += ja * J[i * NT + c];
      }
    }
    for (let a = 0; a < NT; a++) for (let c = 0; c < a; c++) A[a * NT + c] = A[c * NT + a];
    let improved = false, done = false;
    for (let tries = 0; tries < 8; tries++) {
      const M = Float64Array.from(A);
      for (let a = 0; a < NT; a++) M[a * NT + a] += lambda * (A[a * NT + a] + 1e-9);
      const dp = solveSym(M, g, NT);
      if (!dp) {
        lambda *= 10;
        continue;
      }
      const q = clamp(th.map((x, k) => x + dp[k]));
      const pr2 = project(model, q, data, valid, cCrack, mL, mC, r2);
      if (pr2.ss < pr.ss) {
        if ((pr.ss - pr2.ss) / Math.max(pr.ss, 1e-300) < 1e-5) done = true;
        th = q;
        pr = pr2;
        r.set(r2);
        lambda = Math.max(lambda / 4, 1e-7);
        improved = true;
        break;
      }
      lambda *= 10;
    }
    if (!improved || done) break;
  }
  return { th, pr };
}

/**
 * Fit the end model around an end estimate.
 * @returns the refined end (shift along `out`) or null when the window leaves the image or the
 *   fit is not credible (the caller keeps its estimate)
 */
export function fitInclusionEnd(inp: EndFitInput): EndFitResult | null {
  const { D, cw, ch, end, out, normal } = inp;
  const R = Math.max(3, Math.ceil(inp.halfWidthPx + 3));
  const nx = X_BEHIND + X_AHEAD + 1;
  const nr = 2 * R + 1;
  const data = new Float64Array(nx * nr);
  const valid = new Uint8Array(nx * nr);
  const xs = new Float64Array(nx);
  let rOff = 0;
  const aligned = Math.max(Math.abs(out[0]), Math.abs(out[1])) > ALIGNED_COS;
  // centre across the crack: darkening centroid of the window
  let sw = 0, sr = 0;
  for (let i = 0; i < nx; i++) {
    for (let j = -R; j <= R; j++) {
      const d = bilinear(D, cw, ch, end[0] + (i - X_BEHIND) * out[0] + j * normal[0], end[1] + (i - X_BEHIND) * out[1] + j * normal[1]);
      if (!(d > 0)) continue;
      sw += d;
      sr += d * j;
    }
  }
  if (!(sw > 0)) return null;
  const rc = Math.max(-1.5, Math.min(1.5, sr / sw));
  let nValid = 0;
  if (aligned) {
    // axis along a pixel axis: sample pixel centres (no interpolation, whose blur would vary
    // with the sub-pixel phase); x and r of each pixel relative to the end and the crack centre
    const alongU = Math.abs(out[0]) > Math.abs(out[1]);
    const sx = Math.sign(alongU ? out[0] : out[1]);
    const sn = Math.sign(alongU ? normal[1] : normal[0]);
    const ea = alongU ? end[0] : end[1]; // along-axis coordinate of the end
    const ec = (alongU ? end[1] : end[0]) + sn * rc; // crack centre across
    const k0 = Math.round(ea) - sx * X_BEHIND;
    const m0 = Math.round(ec);
    rOff = sn * (m0 - ec);
    for (let i = 0; i < nx; i++) {
      const k = k0 + sx * i;
      xs[i] = sx * (k - ea);
      for (let j = -R; j <= R; j++) {
        const m = m0 + sn * j;
        const [u, v] = alongU ? [k, m] : [m, k];
        if (u < 0 || v < 0 || u >= cw || v >= ch) continue;
        data[i * nr + j + R] = D[v * cw + u];
        valid[i * nr + j + R] = 1;
        nValid++;
      }
    }
  } else {
    for (let i = 0; i < nx; i++) {
      xs[i] = i - X_BEHIND;
      for (let j = -R; j <= R; j++) {
        const rr = j + rc;
        const d = bilinear(D, cw, ch, end[0] + xs[i] * out[0] + rr * normal[0], end[1] + xs[i] * out[1] + rr * normal[1]);
        if (Number.isNaN(d)) continue;
        data[i * nr + j + R] = d;
        valid[i * nr + j + R] = 1;
        nValid++;
      }
    }
  }
  if (nValid < 0.8 * data.length) return null;
  const model = new EndModel(xs, R, rOff);
  const H = Math.max(0.8, inp.halfWidthPx - 0.5);
  const cCrack = inp.crackContrast !== undefined && Number.isFinite(inp.crackContrast) ? Math.max(0, Math.min(inp.crackContrast, inp.contrast)) : undefined;
  // two starts — a wedge tip just ahead of the end, and no tip in view — a few iterations each;
  // the better one is refined
  const starts = [
    [0, 2, 2 * H, H, 1],
    [0, 30, 2, H, 1],
  ].map((st) => fitFrom(model, data, valid, cCrack, st, 4));
  const pick = starts[0].pr.ss <= starts[1].pr.ss ? starts[0] : starts[1];
  const best = fitFrom(model, data, valid, cCrack, pick.th, 30);
  const th = best.th, [b0, cL, cD] = best.pr.beta;
  // not credible: the end ran to the window's limit, or the Li vanished
  if (Math.abs(th[0]) >= 2.9 || !(cL > 0.02 && cL > 2 * Math.abs(b0)) || cD > cL || cD < -0.5 * cL) return null;
  return {
    shiftPx: th[0],
    halfWidthPx: th[3],
    psfSigmaPx: th[4],
    tipGapPx: th[1],
    taperPx: th[2],
    cLi: cL,
    cCrack: cD,
    rmsResidual: Math.sqrt(best.pr.ss / nValid),
  };
}

