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
import { solveInPlace, solveSym } from './edgeFit.js';
import { exactCdf } from './normalTable.js';
import { align16, wasmMemory } from '../segment/wasmKernel.js';
import { tipKernelOn, type TipKernel } from './tipKernel.js';

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
  /**
   * Where the search for the shape starts (e.g. this tip's fit a frame earlier: a tracked tip
   * keeps its shape and the PSF from frame to frame); by default a generic start from
   * `halfWidthPx`. The apex starts at (u, v) (or startApex) and the axis is bounded around `angleRad`.
   */
  start?: TipShapeStart;
  /**
   * Another apex to start from (e.g. this tip's fitted apex a frame earlier, a better guess
   * than the coarse tip for a tip that moved little): the fit starts from whichever of (u, v) and
   * this the model (with the start's shape) fits better.
   */
  startApex?: { u: number; v: number };
}

/** The shape part of a fit, to start another one from: axis angle [rad], a = k², q, PSF σ [px]. */
export interface TipShapeStart {
  angleRad: number;
  a: number;
  q: number;
  psfSigmaPx: number;
}

/** A tip fitted in an earlier frame: where it was (canonical) [px] and its fitted shape (angle canonical). */
export interface TipPrior extends TipShapeStart {
  u: number;
  v: number;
}

/**
 * A prior tip within this distance of a coarse tip is the same tip a frame or two earlier [px]
 * (tips advance a few px per frame; two tips closer than this have about the same shape anyway).
 */
const PRIOR_MATCH_PX = 8;

/** The prior tip nearest (u, v) within PRIOR_MATCH_PX, if any (the first on ties). */
export function nearestPrior(prior: readonly TipPrior[], u: number, v: number): TipPrior | undefined {
  let best: TipPrior | undefined, bestD2 = PRIOR_MATCH_PX * PRIOR_MATCH_PX;
  for (const t of prior) {
    const d2 = (t.u - u) ** 2 + (t.v - v) ** 2;
    if (d2 < bestD2) { bestD2 = d2; best = t; }
  }
  return best;
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
  /** The fitted shape, to start the next frame's fit of this tip from (TipModelInput.start). */
  shape: TipShapeStart;
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
/** That table as tipKernel.wat reads it, which has its constants built in: Φ at [0, TN), φ at [TN, 2·TN), φ' at [2·TN, 3·TN). */
export const T_KERNEL = new Float64Array(3 * TN);
for (let k = 0; k < TN; k++) {
  const x = -CUT + k * TH;
  const pdf = Math.exp(-0.5 * x * x) * INV_SQRT2PI;
  T_KERNEL[k] = exactCdf(x);
  T_KERNEL[TN + k] = pdf;
  T_KERNEL[2 * TN + k] = -x * pdf;
}
if (CUT !== 3 || TH !== 1 / 16 || TN !== 97) throw new Error('tipKernel.wat assumes CUT = 3 and a step of 1/16 (97 table values)');

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
/** Length of TipModel.normalSums' result. */
const NORMAL_SUMS = 22 + NT * NT;
const D_OPEN = BEHIND + 4;
/** m of (a, q). */
const mOf = (a: number, q: number): number => (q - a) / (2 * D_OPEN);
const MAX_IT = 30;
/** Converged when the full Gauss–Newton step would lower χ² (in units of the pixel variance) by less than this. */
const CHI2_TOL = 0.01;
/**
 * Stalled: STALL_STEPS accepted steps in a row, each damped by λ ≥ STALL_LAMBDA (the step is mostly
 * along the gradient, far shorter than Gauss–Newton's) and lowering χ² by less than STALL_CHI2
 * pixel variances, i.e. descending where the linearisation does not hold (a tip the conic does
 * not describe: a junction, a crossing, a wide blob). Such a fit crawled on to MAX_IT, gaining
 * less than a pixel variance in all (0.03–0.05 per step), and cost a fifth of the tip worker's
 * iterations on a long recording; it stops there instead.
 */
const STALL_LAMBDA = 1;
const STALL_CHI2 = 0.1;
const STALL_STEPS = 3;
/** Model error per pixel, as a fraction of the contrast (see s2Of in fitTipModel). */
const MODEL_ERR = 0.005;

/**
 * Where the line at depth Δ behind the apex (v = v0 − Δ) cuts the conic of (φ, k, m), with
 * g = [sin φ, cos φ, k², m, Δ]: its interval [u0 + out[0], u0 + out[1]], or false when it misses it. With d = (Δ − r·sin φ)/cos φ
 * on the line and u = u0 − Δ·tan φ + r/cos φ, |r| ≤ h(d) is A·r² + B·r + C ≤ 0.
 */
function cut(g: Float64Array, out: Float64Array): boolean {
  const s = g[0], c = g[1], k2 = g[2], m = g[3], dl = g[4];
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
 * Derivatives of the deepest point Δ* = −k²s²/(2(c + √(c² − m s²))) w.r.t. φ, a and q (m = (q − a)/(2·D_OPEN))
 * into out[0…2]; g = [s, c, k², m] (cut's).
 */
function deepestGrad(g: Float64Array, out: Float64Array): void {
  const s = g[0], c = g[1], k2 = g[2], m = g[3];
  const R = Math.sqrt(c * c - m * s * s);
  const N = -k2 * s * s, Q = 2 * (c + R);
  const iQ2 = 1 / (Q * Q);
  // partials w.r.t. s, c, k², m
  const dS = (-2 * k2 * s * Q - N * 2 * ((-m * s) / R)) * iQ2;
  const dC = (-N * 2 * (1 + c / R)) * iQ2;
  const dK = (-s * s) / Q;
  const dM = (-N * 2 * ((-s * s) / (2 * R))) * iQ2;
  const h = 1 / (2 * D_OPEN);
  out[0] = c * dS - s * dC;
  out[1] = dK - h * dM;
  out[2] = h * dM;
}

/**
 * Derivatives of the interval [uL, uR] of cut() (relative to u0) at the depth Δ = Δ* + x below
 * the apex row w.r.t. φ, a and q, the depth moving with Δ* (dStarG = ∂(Δ*)/∂(φ, a, q)):
 * out = [∂uR/∂φ, ∂uL/∂φ, ∂uR/∂a, ∂uL/∂a, ∂uR/∂q, ∂uL/∂q].
 */
function cutGrad(g: Float64Array, dStarG: Float64Array, out: Float64Array): void {
  const s = g[0], c = g[1], k2 = g[2], m = g[3], dl = g[4];
  const A = c * c - m * s * s;
  const B = s * (k2 * c + 2 * m * dl);
  const Dl = s * s * k2 * k2 + 4 * c * k2 * dl + 4 * m * dl * dl;
  const disc = c * c * Dl;
  const sd = Math.sqrt(disc);
  const rMid = -B / (2 * A), sq = sd / (2 * A);
  const iA2 = 1 / (2 * A * A), ic = 1 / c;
  const lo = rMid - sq, hi = rMid + sq;
  // partials w.r.t. s, c, k², m and Δ of uR = uc + (rMid + sq)/c and uL = uc + (rMid − sq)/c, from
  // those of uc = −Δ·s/c, A, B and disc = c²·Δl (rMid = −B/(2A), sq = √disc/(2A))
  const c2 = c * c, isd = 1 / (2 * sd);
  const rs = (-((k2 * c + 2 * m * dl) * A - B * (-2 * m * s))) * iA2, qs = ((c2 * 2 * s * k2 * k2) * isd * A - sd * (-2 * m * s)) * iA2;
  const gRs = -dl * ic + (rs + qs) * ic, gLs = -dl * ic + (rs - qs) * ic;
  const rc = (-((s * k2) * A - B * (2 * c))) * iA2, qc = ((2 * c * Dl + c2 * 4 * k2 * dl) * isd * A - sd * (2 * c)) * iA2;
  const gRc = dl * s * ic * ic + (rc + qc) * ic - hi * ic * ic, gLc = dl * s * ic * ic + (rc - qc) * ic - lo * ic * ic;
  const rk = (-(s * c) * A) * iA2, qk = ((c2 * (2 * s * s * k2 + 4 * c * dl)) * isd * A) * iA2;
  const gRk = (rk + qk) * ic, gLk = (rk - qk) * ic;
  const rm = (-((2 * s * dl) * A - B * (-s * s))) * iA2, qm = ((c2 * 4 * dl * dl) * isd * A - sd * (-s * s)) * iA2;
  const gRm = (rm + qm) * ic, gLm = (rm - qm) * ic;
  const rd = (-(2 * s * m) * A) * iA2, qd = ((c2 * (4 * c * k2 + 8 * m * dl)) * isd * A) * iA2;
  const gRd = -s * ic + (rd + qd) * ic, gLd = -s * ic + (rd - qd) * ic;
  const h = 1 / (2 * D_OPEN);
  // chain: φ moves s, c (and Δ through Δ*); a moves k² and m; q moves m
  out[0] = c * gRs - s * gRc + gRd * dStarG[0];
  out[1] = c * gLs - s * gLc + gLd * dStarG[0];
  out[2] = gRk - h * gRm + gRd * dStarG[1];
  out[3] = gLk - h * gLm + gLd * dStarG[1];
  out[4] = h * gRm + gRd * dStarG[2];
  out[5] = h * gLm + gLd * dStarG[2];
}

/**
 * The model on a window: rows y = r0 … r0 + nr − 1, columns u = c0 … c0 + nc − 1; unit contrast
 * F(θ) and, on request, its derivatives ∂F/∂θ (NT planes of nr × nc).
 */
export class TipModel {
  private readonly ivl = new Float64Array(2);
  /** ∂(Δ*)/∂(φ, a, q) and the interval's derivatives (cutGrad). */
  private readonly dStarG = new Float64Array(3);
  private readonly pk = new Float64Array(6);
  /**
   * The conic's geometry (sin φ, cos φ, k², m, depth Δ) handed to cut / cutGrad / deepestGrad in an
   * array rather than as arguments: those are not inlined, and a double passed to a call is boxed
   * (a heap allocation) — per slice, per model evaluation: ≈ 0.5 MB/frame of garbage in the tip worker.
   */
  private readonly geo = new Float64Array(5);
  /**
   * What evalF leaves for evalJac, per slice that reached the window: its column and row ranges,
   * depth, and (at pCb/pRb from its offsets) the lateral profile L, ∂L/∂uR, ∂L/∂uL, ∂L/∂σ per
   * column and the axial weight w, ∂w/∂y, ∂w/∂σ per row.
   */
  private nSl = 0;
  private valid = false;
  private readonly slI: Int32Array;
  private readonly slX: Float64Array;
  /**
   * The per-pixel work runs on WebAssembly (tipKernel.wat) in a memory of this model's own, sized
   * at construction (never grown: see refScan.ts's Arena), at these byte offsets: the normal table
   * (at 0), normal3's values at the column and row boundaries (pNb, pNa), every slice's column and
   * row records (pCb, pRb), evalJac's column factors (pCj), F while it is summed (pFw: Fw, copied
   * out at the end of evalF), ∂F/∂θ (pJw: jw — the fit's own Jacobian array), and normalSums' copies
   * of the fit's F, residuals and pixel indices and its result (pFn, pRn, pIn, pOut).
   */
  private readonly k: TipKernel;
  private readonly pNb: number;
  private readonly pNa: number;
  private readonly pCb: number;
  private readonly pRb: number;
  private readonly pCj: number;
  private readonly pFw: number;
  private readonly pJw: number;
  private readonly pFn: number;
  private readonly pRn: number;
  private readonly pIn: number;
  private readonly pOut: number;
  private readonly Fn: Float64Array;
  private readonly Rn: Float64Array;
  private readonly In: Int32Array;
  private readonly sums: Float64Array;
  private readonly Fw: Float64Array;
  /** ∂F/∂θ of the last evalJac (jac[NT·pixel + p]); evalJac given this array itself copies nothing. */
  readonly jw: Float64Array;
  private readonly th = new Float64Array(NT);
  readonly n: number;
  /** r0, c0: the window's first row and column; a model is re-placed (fitTipModel's cache) by setting them. */
  constructor(public r0: number, readonly nr: number, public c0: number, readonly nc: number) {
    this.n = nr * nc;
    this.slI = new Int32Array(6 * SLICE_EDGES.length);
    this.slX = new Float64Array(2 * SLICE_EDGES.length);
    // room for every slice's columns and rows (at most nc and nr each): a model is kept between
    // fits (modelFor), and a buffer grown mid-run had its evalF thrown away and compiled again
    const nCb = 4 * SLICE_EDGES.length * nc, nRb = 3 * SLICE_EDGES.length * nr, n = nr * nc;
    // the normal table at 0 (where tipKernel.wat reads it), then the buffers
    this.pNb = align16(8 * 3 * TN);
    this.pNa = this.pNb + align16(8 * 6 * (nc + 1));
    this.pCb = this.pNa + align16(8 * 3 * (nr + 1));
    this.pRb = this.pCb + align16(8 * nCb);
    this.pCj = this.pRb + align16(8 * nRb);
    this.pFw = this.pCj + 64 * nc;
    this.pJw = this.pFw + align16(8 * n);
    this.pFn = this.pJw + align16(8 * NT * n);
    this.pRn = this.pFn + align16(8 * n);
    this.pIn = this.pRn + align16(8 * n);
    this.pOut = this.pIn + align16(4 * n);
    const memory = wasmMemory(this.pOut + 8 * NORMAL_SUMS);
    this.k = tipKernelOn(memory);
    new Float64Array(memory.buffer, 0, 3 * TN).set(T_KERNEL);
    this.Fw = new Float64Array(memory.buffer, this.pFw, n);
    this.jw = new Float64Array(memory.buffer, this.pJw, NT * n);
    this.Fn = new Float64Array(memory.buffer, this.pFn, n);
    this.Rn = new Float64Array(memory.buffer, this.pRn, n);
    this.In = new Int32Array(memory.buffer, this.pIn, n);
    this.sums = new Float64Array(memory.buffer, this.pOut, NORMAL_SUMS);
  }

  /** Geometry valid for θ (the conic is cut by rows in bounded intervals). */
  ok(th: ArrayLike<number>): boolean {
    const m = mOf(th[3], th[4]);
    const s = Math.sin(th[2]), c = Math.cos(th[2]);
    return c * c - m * s * s > 1e-3 && th[5] > 0;
  }

  /** F(θ) into F; with jac, ∂F/∂θ_p into jac[NT·pixel + p] (analytic derivatives throughout). */
  eval(th: ArrayLike<number>, F: Float64Array, jac?: Float64Array): void {
    this.evalF(th, F);
    if (jac) this.evalJac(jac);
  }

  /** F(θ) into F, keeping what evalJac needs for the derivatives at this θ. */
  evalF(th: ArrayLike<number>, F: Float64Array): void {
    const u0 = th[0], v0 = th[1], phi = th[2], k2 = th[3], q = th[4], sig = th[5];
    const m = mOf(k2, q);
    const s = Math.sin(phi), c = Math.cos(phi);
    const { r0, nr, c0, nc, ivl, slI, slX } = this;
    for (let p = 0; p < NT; p++) this.th[p] = th[p];
    this.nSl = 0;
    this.valid = this.ok(th);
    if (!this.valid) { F.fill(0); return; }
    const Fw = this.Fw, kern = this.k;
    Fw.fill(0);
    const dStar = deepest(s, c, k2, m);
    const geo = this.geo;
    geo[0] = s; geo[1] = c; geo[2] = k2; geo[3] = m;
    const dEnd = v0 - (r0 - 0.5) + CUT * sig - dStar;
    const inv = 1 / sig;
    let nSl = 0, cOff = 0, rOff = 0;
    let lo = 0;
    for (let q = 0; lo < dEnd && q + 1 < SLICE_EDGES.length; q++) {
      const hi = SLICE_EDGES[q + 1];
      const x = 0.5 * (lo + hi), thick = hi - lo;
      lo = hi;
      const dl = dStar + x;
      const y = v0 - dl;
      const jLo = Math.max(0, Math.ceil(y - CUT * sig - 0.5 - r0)), jHi = Math.min(nr - 1, Math.floor(y + CUT * sig + 0.5 - r0));
      if (jLo > jHi) continue;
      geo[4] = dl;
      if (!cut(geo, ivl)) continue;
      const uL = u0 + ivl[0], uR = u0 + ivl[1];
      // lateral, pixel-integrated: σ·[G((uR − u + ½)/σ) − G((uR − u − ½)/σ)] − (same at uL)
      // only the columns within CUT·σ of the interval see it
      const iLo = Math.max(0, Math.floor(uL - CUT * sig - c0)), iHi = Math.min(nc - 1, Math.ceil(uR + CUT * sig - c0));
      if (iLo > iHi) continue;
      const ncol = iHi - iLo + 1, nrow = jHi - jLo + 1;
      // the slice's lateral profile per column (σ·[G((uR − u + ½)/σ) − G((uR − u − ½)/σ)] − the same
      // at uL, and its derivatives) and axial weight per row (thick·[Φ((y_j + ½ − y)/σ) −
      // Φ((y_j − ½ − y)/σ)], and its derivatives w.r.t. y and σ) at pCb and pRb from
      // cOff and rOff, and F += weight ⊗ profile (tipKernel.wat sliceF)
      const cBase = cOff - iLo, rBase = rOff - jLo;
      kern.sliceF(this.pFw, nc, this.pNb, this.pNa, this.pCb + 32 * cBase, this.pRb + 24 * rBase, c0, iLo, iHi, r0, jLo, jHi, uL, uR, y, inv, sig, thick);
      const t = 6 * nSl;
      slI[t] = iLo; slI[t + 1] = iHi; slI[t + 2] = jLo; slI[t + 3] = jHi; slI[t + 4] = cOff; slI[t + 5] = rOff;
      slX[2 * nSl] = x;
      slX[2 * nSl + 1] = dl;
      nSl++;
      cOff += ncol;
      rOff += nrow;
    }
    this.nSl = nSl;
    F.set(Fw);
  }

  /** ∂F/∂θ_p into jac[NT·pixel + p] at the θ of the last evalF. */
  evalJac(jac: Float64Array): void {
    const { nc, n, dStarG, pk, slI, slX, th, jw, k: kern } = this;
    if (!this.valid) { jac.fill(0); return; }
    jw.fill(0);
    const k2 = th[3], m = mOf(k2, th[4]);
    const s = Math.sin(th[2]), c = Math.cos(th[2]);
    // ∂y/∂θ_p = −∂(Δ*)/∂θ_p for every slice (φ, a, q): its share of ∂F/∂θ_p is that multiple of ∂F/∂v0
    const geo = this.geo;
    geo[0] = s; geo[1] = c; geo[2] = k2; geo[3] = m;
    deepestGrad(geo, dStarG);
    const yp0 = -dStarG[0], yp1 = -dStarG[1], yp2 = -dStarG[2];
    for (let sl = 0; sl < this.nSl; sl++) {
      const t = 6 * sl;
      const iLo = slI[t], iHi = slI[t + 1], jLo = slI[t + 2], jHi = slI[t + 3];
      const cBase = slI[t + 4] - iLo, rBase = slI[t + 5] - jLo;
      // the interval's derivatives at this slice's depth (which moves with Δ*)
      geo[4] = slX[2 * sl + 1];
      cutGrad(geo, dStarG, pk);
      // per column: ∂L/∂uR·∂uR/∂θ + ∂L/∂uL·∂uL/∂θ for u0, φ, a, q; then the slice's outer products
      kern.colJac(this.pCj, this.pCb + 32 * cBase, iLo, iHi, pk[0], pk[1], pk[2], pk[3], pk[4], pk[5]);
      kern.accJac(this.pJw, nc, iLo, iHi, jLo, jHi, this.pCj, this.pRb + 24 * rBase);
    }
    kern.finJac(this.pJw, n, yp0, yp1, yp2);
    if (jac !== jw) jac.set(jw);
  }

  /**
   * The sums the normal equations are made of, over the fitted pixels idx (model F, residuals r,
   * ∂F/∂θ of the last evalJac): [Σf, Σr, Σf², Σf·r, Σ∂F (6), Σf·∂F (6), Σr·∂F (6), Σ∂F·∂Fᵀ (36,
   * row-major, the upper triangle)] (tipKernel.wat normalEq). A view, valid until the next call.
   */
  normalSums(F: Float64Array, r: Float64Array, idx: Int32Array): Float64Array {
    this.Fn.set(F);
    this.Rn.set(r);
    this.In.set(idx);
    this.k.normalEq(this.pFn, this.pRn, this.pIn, idx.length, this.pJw, this.pOut);
    return this.sums;
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

/** Work matrix of gaussSolve. */
const GS_WORK = new Float64Array(NT * NT);

/** Solve M·x = b for the NT × NT matrix M (left unchanged), b given in x and replaced by the solution; false when singular. */
function gaussSolve(M: Float64Array, x: Float64Array): boolean {
  GS_WORK.set(M);
  return solveInPlace(GS_WORK, x, NT);
}

/** normalEquations' coefficients, kept between calls (no garbage per LM iteration). */
const NE = { bF: new Float64Array(NT), b1: new Float64Array(NT) };

/**
 * Normal equations of the variable-projection problem at θ (Kaufman's: the columns C·∂F/∂θ with
 * their part in span{1, F} removed; the residual r is already orthogonal to it) into A (NT × NT)
 * and g, from one pass of raw moments over the fitted pixels (the model's normalSums, with ∂F/∂θ
 * of its last evalJac): with J̃_a = J_a − β1_a − βF_a·F the column's residual on {1, F},
 * J̃_aᵀJ̃_c = J_aᵀJ_c − β1_a·Σ J_c − βF_a·Fᵀ J_c.
 */

function normalEquations(model: TipModel, F: Float64Array, r: Float64Array, idx: Int32Array, C: number, A: Float64Array, g: Float64Array): void {
  const nv = idx.length;
  const sums = model.normalSums(F, r, idx);
  const sf = sums[0], sr = sums[1], sff = sums[2], sfr = sums[3];
  const { bF, b1 } = NE;
  // Σ∂F at sums[S1 + a], Σf·∂F at [SF + a], Σr·∂F at [SR + a], Σ∂F·∂Fᵀ at [RAW + a·NT + c] (c ≥ a)
  const S1 = 4, SF = 10, SR = 16, RAW = 22;
  // least-squares coefficients of each column on {1, F}
  const det = nv * sff - sf * sf;
  for (let a = 0; a < NT; a++) {
    bF[a] = det > 1e-12 ? (nv * sums[SF + a] - sf * sums[S1 + a]) / det : 0;
    b1[a] = (sums[S1 + a] - bF[a] * sf) / nv;
  }
  const C2 = C * C;
  for (let a = 0; a < NT; a++) {
    g[a] = C * (sums[SR + a] - b1[a] * sr - bF[a] * sfr);
    for (let c = a; c < NT; c++) {
      const v = C2 * (sums[RAW + a * NT + c] - b1[a] * sums[S1 + c] - bF[a] * sums[SF + c]);
      A[a * NT + c] = v;
      A[c * NT + a] = v;
    }
  }
}

/**
 * Work arrays of fitTipModel and its models, kept between calls (grown to the largest window): a
 * fit allocated ≈ 70 kB (the model's per-slice buffers, ∂F/∂θ, the window's pixels), and the tip
 * worker, fitting ~20 tips a frame, spent ≈ 190 ms of a 250-frame 1080p run in 130 young-generation
 * collections. One fit at a time per thread (fitTipModel is not re-entrant), so one set suffices.
 */
const work = { n: 0, idx: new Int32Array(0), y: new Float64Array(0), F: new Float64Array(0), Fp: new Float64Array(0), r: new Float64Array(0), r2: new Float64Array(0) };
function workFor(n: number): typeof work {
  if (work.n < n) {
    Object.assign(work, {
      n, idx: new Int32Array(n), y: new Float64Array(n), F: new Float64Array(n), Fp: new Float64Array(n),
      r: new Float64Array(n), r2: new Float64Array(n),
    });
  }
  return work;
}
/**
 * The state of one tip fit and its Levenberg–Marquardt steps (fitTipModel). Methods of one object
 * kept between fits, not closures made per fit: TurboFan compiled the LM loop with the first fit's
 * closures inlined and threw that code away at the next fit ("wrong call target"), ≈ 90 ms of
 * compilation for nothing; and the per-fit arrays (normal equations, their work matrix, the steps)
 * are allocated once. One fit at a time per thread (fitTipModel is not re-entrant).
 */
class LmFit {
  model!: TipModel;
  /** The fitted pixels' window indices and darkening; the window's and the fit's pixel counts; the stated noise σ. */
  idx: Int32Array = new Int32Array(0);
  y: Float64Array = new Float64Array(0);
  n = 0;
  nv = 0;
  noiseSigma = 0;
  /** θ's box. */
  lower: number[] = [];
  upper: number[] = [];
  /** Model and derivatives at θ (F, jac), the model at a trial θ (Fp), residuals at θ and at the trial. */
  F: Float64Array = new Float64Array(0);
  Fp: Float64Array = new Float64Array(0);
  jac: Float64Array = new Float64Array(0);
  r: Float64Array = new Float64Array(0);
  r2: Float64Array = new Float64Array(0);
  readonly lin = { b: 0, C: 0 };
  readonly lin2 = { b: 0, C: 0 };
  th: Float64Array = new Float64Array(NT);
  ss = 0;
  readonly A = new Float64Array(NT * NT);
  readonly g = new Float64Array(NT);
  readonly M = new Float64Array(NT * NT);
  readonly fixed = new Uint8Array(NT);
  readonly gn = new Float64Array(NT);
  readonly dp = new Float64Array(NT);
  /** θ of the model's last evaluation when the model and Fp still hold it (the start chosen in fitTipModel), else null. */
  evaluatedAt: Float64Array | null = null;

  /** θ clamped to its box, as a new Float64Array (one array type for the model's hot loops). */
  clamp(q: ArrayLike<number>): Float64Array {
    const { lower, upper } = this;
    return Float64Array.from({ length: NT }, (_, i) => Math.min(upper[i], Math.max(lower[i], q[i])));
  }

  /**
   * Normal equations at θ (Kaufman's variable projection: the columns C·∂F/∂θ with their part
   * in span{1, F} removed; the residual is already orthogonal to it).
   */
  normal(): void {
    normalEquations(this.model, this.F, this.r, this.idx, this.lin.C, this.A, this.g);
  }

  /** Solve (A + λ·diag A) x = g over the parameters not held at a bound (x = 0 there) into x; false when singular. */
  solveDamped(lambda: number, x: Float64Array): boolean {
    const { A, g, M, fixed } = this;
    for (let a = 0; a < NT; a++) {
      for (let c = 0; c < NT; c++) M[a * NT + c] = fixed[a] || fixed[c] ? (a === c ? 1 : 0) : A[a * NT + c];
      if (!fixed[a]) M[a * NT + a] += lambda * A[a * NT + a] + 1e-12 * (A[a * NT + a] + 1e-12);
      x[a] = fixed[a] ? 0 : g[a];
    }
    return gaussSolve(M, x);
  }

  /**
   * Variance per pixel: the larger of the stated noise and the residual scatter, plus the model
   * error (MODEL_ERR of the contrast C: the image is never exactly the model's — a rendered or
   * real tip has sub-pixel structure that no smooth conic has — and that error is systematic, so
   * it is not averaged away by the number of pixels).
   */
  s2Of(sse: number, C: number): number {
    return Math.max(this.noiseSigma * this.noiseSigma, sse / Math.max(1, this.nv - NT - 2)) + (MODEL_ERR * C) ** 2;
  }

  /**
   * Bounded LM from θ0; with `sharp` the tip is held sharp (a = 0). Leaves θ, Σr², b, C, F, jac,
   * r and the normal equations (A, g) at the result; returns the number of iterations.
   */
  solve(th0: ArrayLike<number>, sharp: boolean): number {
    const { model, idx, y, lin, lin2, lower, upper, A, g, fixed, gn, dp } = this;
    this.th = this.clamp(th0);
    if (sharp) this.th[3] = 0;
    const ev = this.evaluatedAt;
    if (ev && this.th.every((x, i) => x === ev[i])) {
      // the start was just evaluated (the apex comparison): its F is in Fp, and evalJac continues from it
      const t = this.F; this.F = this.Fp; this.Fp = t;
      model.evalJac(this.jac);
    } else model.eval(this.th, this.F, this.jac);
    this.evaluatedAt = null;
    this.ss = project(this.F, idx, y, this.r, lin);
    let lambda = 1e-3, nu = 2, it = 0, stalls = 0;
    for (; it < MAX_IT; it++) {
      this.normal();
      // parameters at a bound that the gradient pushes outward are held there for this step
      const th = this.th;
      for (let a = 0; a < NT; a++) {
        fixed[a] = (th[a] <= lower[a] + 1e-9 && g[a] < 0) || (th[a] >= upper[a] - 1e-9 && g[a] > 0) || (sharp && a === 3) ? 1 : 0;
      }
      // converged when the full Gauss–Newton step would lower χ² by less than CHI2_TOL (its
      // parameter change is then a small fraction of their standard errors)
      if (!this.solveDamped(0, gn)) break;
      let dec = 0;
      for (let a = 0; a < NT; a++) dec += gn[a] * g[a];
      if (dec < CHI2_TOL * this.s2Of(this.ss, lin.C)) break;
      let improved = false;
      for (let tries = 0; tries < 6; tries++) {
        if (!this.solveDamped(lambda, dp)) { lambda *= nu; nu *= 2; continue; }
        const qc = new Float64Array(NT);
        for (let a = 0; a < NT; a++) qc[a] = Math.min(upper[a], Math.max(lower[a], th[a] + dp[a]));
        model.evalF(qc, this.Fp);
        const ss2 = project(this.Fp, idx, y, this.r2, lin2);
        // gain ratio: actual over predicted decrease (Nielsen's damping update)
        let pred = 0;
        for (let a = 0; a < NT; a++) pred += dp[a] * (lambda * A[a * NT + a] * dp[a] + g[a]);
        const rho = (this.ss - ss2) / Math.max(pred, 1e-300);
        if (ss2 < this.ss) {
          // a heavily damped step that gained next to nothing: the quadratic model does not hold here
          stalls = lambda >= STALL_LAMBDA && this.ss - ss2 < STALL_CHI2 * this.s2Of(ss2, lin2.C) ? stalls + 1 : 0;
          this.th = qc; this.ss = ss2; lin.b = lin2.b; lin.C = lin2.C;
          const t = this.F; this.F = this.Fp; this.Fp = t;
          model.evalJac(this.jac);
          const tr = this.r; this.r = this.r2; this.r2 = tr;
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
      if (stalls >= STALL_STEPS) { it++; break; }
    }
    if (it === MAX_IT || stalls >= STALL_STEPS) this.normal();
    return it;
  }

  /**
   * Covariance (per unit variance) of (u0, v0) and the variance of a from the normal equations
   * at the current θ, with a free (blunt model) or held at 0 (sharp model).
   */
  cov(sharp: boolean): { uu: number; uv: number; vv: number; aa: number } | null {
    const { A, M } = this;
    for (let a = 0; a < NT; a++) {
      for (let c = 0; c < NT; c++) M[a * NT + c] = sharp && (a === 3 || c === 3) ? (a === c ? 1 : 0) : A[a * NT + c];
      M[a * NT + a] += 1e-12 * (A[a * NT + a] + 1e-12);
    }
    const e0 = solveSym(M, [1, 0, 0, 0, 0, 0], NT), e1 = solveSym(M, [0, 1, 0, 0, 0, 0], NT);
    const e3 = sharp ? [0, 0, 0, 0] : solveSym(M, [0, 0, 0, 1, 0, 0], NT);
    if (!e0 || !e1 || !e3) return null;
    return { uu: e0[0], uv: e0[1], vv: e1[1], aa: e3[3] };
  }
}
const FIT = new LmFit();

/** One model per window size (nr × nc: a dozen sizes), re-placed at (r0, c0) for each fit. */
const models = new Map<number, TipModel>();
function modelFor(r0: number, nr: number, c0: number, nc: number): TipModel {
  const key = nr * 4096 + nc;
  let m = models.get(key);
  if (!m) models.set(key, (m = new TipModel(r0, nr, c0, nc)));
  m.r0 = r0;
  m.c0 = c0;
  return m;
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
  const w = workFor(n);
  // the fitted pixels: their window index and darkening
  const idxAll = w.idx, yAll = w.y;
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
  const f = FIT;
  f.model = modelFor(r0, nr, c0, nc);
  f.idx = idx; f.y = y; f.n = n; f.nv = nv; f.noiseSigma = inp.noiseSigma;
  // a = k² up to k = 12; q from a wedge of half-angle 1.8° (or an ellipse tip open to 2·D_OPEN)
  // up to k = 12 plus a wedge of m = 1.5 (half-angle 51°)
  f.lower = [inp.u - 4, inp.v - 4, inp.angleRad - 0.5, 0, 0.025, 0.4];
  f.upper = [inp.u + 4, inp.v + 4, inp.angleRad + 0.5, 144, 144 + 2 * D_OPEN * 1.5, 3];
  // model and derivatives at θ (F, jac) and the model at a trial θ (Fp); a trial's derivatives
  // are computed only once it is accepted (from what evalF kept), so a rejected one costs F alone
  f.F = w.F.subarray(0, n); f.Fp = w.Fp.subarray(0, n);
  f.jac = f.model.jw;
  f.r = w.r.subarray(0, nv); f.r2 = w.r2.subarray(0, nv);
  f.th = new Float64Array(NT);
  f.ss = 0;
  f.evaluatedAt = null;
  const { model, lin, lin2, upper } = f;
  interface Fit { th: Float64Array; ss: number; b: number; C: number; cv: { uu: number; uv: number; vv: number; aa: number } | null }
  const k0 = Math.max(0.8, inp.halfWidthPx / Math.sqrt(BEHIND));
  // the conic tip, bluntness a free
  const st = inp.start;
  const th0 = st ? [inp.u, inp.v, st.angleRad, st.a, st.q, st.psfSigmaPx] : [inp.u, inp.v, inp.angleRad, k0 * k0, k0 * k0, 1.0];
  if (inp.startApex) {
    // start from the apex the model fits better, with the same shape (the earlier apex, evaluated
    // last: on a tracked tip it nearly always wins, and solve then starts from this evaluation)
    model.evalF(f.clamp(th0), f.Fp);
    const ssCoarse = project(f.Fp, idx, y, f.r2, lin2);
    const alt = f.clamp([inp.startApex.u, inp.startApex.v, th0[2], th0[3], th0[4], th0[5]]);
    model.evalF(alt, f.Fp);
    if (project(f.Fp, idx, y, f.r2, lin2) < ssCoarse) { th0[0] = alt[0]; th0[1] = alt[1]; f.evaluatedAt = alt; }
  }
  let it = f.solve(th0, false);
  const blunt: Fit = { th: f.th, ss: f.ss, b: lin.b, C: lin.C, cv: f.cov(false) };
  // The sharp alternative (a = 0: a straight wedge). A bluntness a puts the conic's apex a/(2m)
  // behind the apex of its asymptotic wedge while changing the image only in second order, so a
  // bluntness below the resolution is an alias of the apex position and is not claimed unless
  // the data demand it: both are weighed by their evidence (Δχ² and the Occam factor of a, whose
  // prior is uniform over its box), and the apex is their weighted mean, its variance including
  // their spread.
  let sharp: Fit | null = null, wSharp = 0;
  {
    const s2 = f.s2Of(blunt.ss, blunt.C), sa = blunt.cv && blunt.cv.aa > 0 ? Math.sqrt(s2 * blunt.cv.aa) : Infinity;
    const occam = Math.log(upper[3] / (Math.sqrt(2 * Math.PI) * sa));
    // (every element read here on every call: V8 may compile this function before a first tip
    // takes the branch below, and an element first read there would throw that code away)
    const tb = blunt.th, ta = tb[3], m = mOf(ta, tb[4]), subResolution = ta > 1e-9 && ta < 0.5 * tb[5];
    // tried for a hyperbola tip (m > 0) whose radius a/2 is below a quarter of the PSF σ, from
    // the wedge of the blunt fit's far field. (A blunt fit that ended at a = 0 is already sharp,
    // but its σ, linearised where a and the apex are degenerate, stays large: such an apex is left
    // to the caller's fallback.)
    if (m > 0 && subResolution && Number.isFinite(occam)) {
      const ms = Math.max(m, 0.01), shift = Math.min(2, tb[3] / (2 * ms));
      const s = Math.sin(tb[2]), c = Math.cos(tb[2]);
      it += f.solve([tb[0] + shift * s, tb[1] + shift * c, tb[2], 0, 2 * D_OPEN * ms, tb[5]], true);
      sharp = { th: f.th, ss: f.ss, b: lin.b, C: lin.C, cv: f.cov(true) };
      // log Bayes factor of blunt over sharp: Δχ²/2 minus the Occam factor of a
      const lnBF = (sharp.ss - blunt.ss) / (2 * s2) - Math.max(0, occam);
      wSharp = sharp.cv && sharp.C > 0 ? 1 / (1 + Math.exp(Math.min(50, Math.max(-50, lnBF)))) : 0;
    }
  }
  const main = wSharp >= 0.5 ? sharp! : blunt;
  const th = main.th, ss = main.ss;
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
    for (const [fi, w] of [[blunt, wB], [sharp, wSharp]] as Array<[Fit | null, number]>) {
      if (!fi || w <= 0) continue;
      if (!fi.cv) { ok = false; break; }
      const s2 = FIT.s2Of(fi.ss, fi.C), cuu = s2 * fi.cv.uu, cuv = s2 * fi.cv.uv, cvv = s2 * fi.cv.vv;
      const du = fi.th[0] - uA, dv = fi.th[1] - vA;
      va += w * (Math.max(0, s * s * cuu + 2 * s * c * cuv + c * c * cvv) + (du * s + dv * c) ** 2);
      vc += w * (Math.max(0, c * c * cuu - 2 * s * c * cuv + s * s * cvv) + (du * c - dv * s) ** 2);
    }
    if (ok) { sAlong = Math.sqrt(va); sAcross = Math.sqrt(vc); }
  }
  return {
    u: uA, v: vA, angleRad: th[2], sigmaAlongPx: sAlong, sigmaAcrossPx: sAcross,
    k: Math.sqrt(th[3]), m: mOf(th[3], th[4]), psfSigmaPx: th[5], contrast: main.C, baseline: main.b,
    rmsResidual: Math.sqrt(ss / nv), iterations: it,
    shape: { angleRad: th[2], a: th[3], q: th[4], psfSigmaPx: th[5] },
  };
}
