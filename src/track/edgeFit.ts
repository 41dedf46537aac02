/**
 * Sub-pixel tip position from the darkening profile along the growth axis.
 *
 * A tapering Li-filled crack seen through optics of Gaussian blur σ darkens the axis as a ramp
 * (full darkness C behind the tip, falling linearly to 0 over ℓ at the tip s) convolved with
 * the PSF. With G(x) = x·Φ(x/σ) + σ·φ(x/σ) (the Gaussian-smoothed ramp max(x,0)),
 *
 *     D(v) = b + (C/ℓ)·[G(s − v) − G(s − ℓ − v)]
 *
 * which tends to the erfc edge b + C·Φ((s − v)/σ) for ℓ → 0. The five parameters are fitted by
 * damped Gauss–Newton (Levenberg–Marquardt); s is the tip, with its 1-σ uncertainty from the
 * covariance of the fit.
 *
 * Cost: the fit keeps its exact arithmetic (same start, steps, forward-difference Jacobian with
 * h = 10⁻⁵·max(1, |p|), stopping rule), so its tips, σ and model choice are bit-identical to the
 * former implementation (frozen in test/track/edgeFitReference.ts, compared in
 * test/track/edgeFit.test.ts); what is gone is the redundant work: no allocation per call or
 * step (reused work buffers), the model at the current point is not recomputed for every
 * Jacobian column, the baseline/contrast columns and the wedge's ℓ column reuse the cached
 * profile terms, and the power law's quadrature only visits the nodes inside the tip ramp
 * (prefix sums for the saturated ones). test/bench/tips.ts times it against the reference.
 * A fully analytic Jacobian was tried and rejected: the old fit does not reach the least-
 * squares optimum of its own model (flat valleys in s–ℓ–σ; its stopping point depends on the
 * difference quotients), so any exact Jacobian moves tips by ~0.25 px RMS on the fixtures and
 * was further from the fixtures' truth.
 */

const SQRT2PI = Math.sqrt(2 * Math.PI);

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

function smoothRamp(x: number, sigma: number): number {
  return x * normalCdf(x / sigma) + (sigma * Math.exp((-0.5 * x * x) / (sigma * sigma))) / SQRT2PI;
}

/** Model value at v for parameters [b, C, s, ℓ, σ] (linear ramp, closed form). */
export function rampEdgeModel(v: number, p: ArrayLike<number>): number {
  const b = p[0], C = p[1], s = p[2], l = p[3], sig = p[4];
  return b + (C / l) * (smoothRamp(s - v, sig) - smoothRamp(s - l - v, sig));
}

// Fixed quadrature of the unit Gaussian: 25 equally spaced nodes on [−4, 4] (spacing 1/3).
const QN = 25;
const QZ = new Float64Array(QN), QW = new Float64Array(QN);
/** QWCUM[k] = QW[0] + … + QW[k−1], summed in the same order as the node loop. */
const QWCUM = new Float64Array(QN + 1);
{
  let sw = 0;
  for (let k = 0; k < QN; k++) {
    QZ[k] = -4 + (8 * k) / (QN - 1);
    QW[k] = Math.exp(-0.5 * QZ[k] * QZ[k]);
    sw += QW[k];
  }
  for (let k = 0; k < QN; k++) QW[k] /= sw;
  for (let k = 0; k < QN; k++) QWCUM[k + 1] = QWCUM[k] + QW[k];
}
const QZ0 = QZ[0], QDZ = QZ[1] - QZ[0];

/**
 * First quadrature node k at which x = x0 − σ·z_k < ℓ (x falls with k; nodes before k have
 * x ≥ ℓ, the saturated part of the profile). From the node spacing, then checked exactly.
 */
function firstBelow(x0: number, sig: number, l: number): number {
  let k = Math.ceil(((x0 - l) / sig - QZ0) / QDZ);
  if (!(k >= 0)) k = 0; // also NaN
  if (k > QN) k = QN;
  while (k > 0 && x0 - sig * QZ[k - 1] < l) k--;
  while (k < QN && x0 - sig * QZ[k] >= l) k++;
  return k;
}

/**
 * Power-law tip profile: the crack's width (hence the integrated darkening) grows as
 * ((s − v)/ℓ)^γ behind the apex s and saturates at C beyond ℓ; γ = ½ is the √ opening of
 * linear-elastic fracture mechanics, γ = 1 a wedge. Blurred along the axis by the PSF σ.
 * Parameters [b, C, s, ℓ, σ, γ].
 */
export function powerEdgeModel(v: number, p: ArrayLike<number>): number {
  const b = p[0], C = p[1], s = p[2], l = p[3], sig = p[4], g = p[5];
  const x0 = s - v;
  let k = firstBelow(x0, sig, l);
  let acc = QWCUM[k];
  for (; k < QN; k++) {
    const x = x0 - sig * QZ[k];
    if (x <= 0) break;
    acc += QW[k] * (g === 0.5 ? Math.sqrt(x / l) : Math.pow(x / l, g));
  }
  return b + C * acc;
}

export interface EdgeFitResult {
  tipV: number;
  tipSigma: number;
  contrast: number;
  rampLength: number;
  psfSigma: number;
  rmsResidual: number;
  converged: boolean;
}

const LOWER = [-20, 0, -Infinity, 0.05, 0.3, 0.5];
const UPPER = [20, 40, Infinity, 80, 6, 0.5];

/**
 * Fit the ramp-edge model to samples (vs[i], ds[i]).
 * @param tipGuess initial tip position (same units as vs)
 * @param noiseSigma 1-σ noise of one sample (for the uncertainty); if NaN the residual RMS is used
 */
export function fitRampEdge(vs: ArrayLike<number>, ds: ArrayLike<number>, tipGuess: number, contrastGuess: number, noiseSigma = NaN, shape: 'ramp' | 'power' = 'ramp'): EdgeFitResult {
  const c0 = Math.max(contrastGuess, 0.01);
  if (shape === 'ramp') return fitEdge(vs, ds, [0, c0, tipGuess, 2, 1], noiseSigma, 'ramp');
  // Power law (γ free, from the elastic √ tip) against the wedge (γ = 1, closed form): the
  // simpler wedge wins unless the power law is better by the Bayesian information criterion. Fitting γ freely
  // from a wedge start stalls where C, ℓ and γ trade off, hence the two separate models.
  const ramp = fitEdge(vs, ds, [0, c0, tipGuess, 2, 1], noiseSigma, 'ramp');
  const n = vs.length;
  // The wedge already explains the profile to the noise: no need for the costlier power law.
  if (Number.isFinite(noiseSigma) && ramp.rmsResidual ** 2 * n <= 1.3 * noiseSigma ** 2 * Math.max(1, n - 5)) return ramp;
  const power = fitEdge(vs, ds, [0, c0, tipGuess, 6, 1, 0.6], noiseSigma, 'power');
  const aic = (r: EdgeFitResult, k: number) => n * Math.log(Math.max(r.rmsResidual, 1e-12) ** 2) + k * Math.log(n);
  return aic(ramp, 5) <= aic(power, 6) ? ramp : power;
}


/** Quadrature sum of the power-law profile at x0 = s − v (same arithmetic as powerEdgeModel). */
function powerAcc(x0: number, l: number, sig: number, g: number): number {
  let k = firstBelow(x0, sig, l);
  let acc = QWCUM[k];
  const sq = g === 0.5;
  for (; k < QN; k++) {
    const x = x0 - sig * QZ[k];
    if (x <= 0) break;
    acc += QW[k] * (sq ? Math.sqrt(x / l) : Math.pow(x / l, g));
  }
  return acc;
}

// Work buffers, reused between calls (grown on demand): per sample the model value, the
// quantities the finite-difference columns share with it (ramp: G(s − v) and
// G(s − v) − G(s − ℓ − v); power: the quadrature sum), and the residual — for the current point
// and for the trial point — and the Jacobian.
let cap = 0;
let MV = new Float64Array(0), MV2 = new Float64Array(0), AUX = new Float64Array(0), AUX2 = new Float64Array(0);
let AUXB = new Float64Array(0), AUXB2 = new Float64Array(0), R1 = new Float64Array(0), R2 = new Float64Array(0), J = new Float64Array(0);
const A = new Float64Array(36), M = new Float64Array(36), G = new Float64Array(6), DP = new Float64Array(6);
const P = new Float64Array(6), Q = new Float64Array(6);

function ensureCapacity(n: number): void {
  if (n <= cap) return;
  cap = Math.max(n, 2 * cap, 64);
  MV = new Float64Array(cap); MV2 = new Float64Array(cap);
  AUX = new Float64Array(cap); AUX2 = new Float64Array(cap);
  AUXB = new Float64Array(cap); AUXB2 = new Float64Array(cap);
  R1 = new Float64Array(cap); R2 = new Float64Array(cap);
  J = new Float64Array(cap * 6);
}

/**
 * Model values (mv), residuals r = ds − mv and Σ r² at p; aux/auxB keep what the Jacobian
 * reuses (ramp: G(s − v) − G(s − ℓ − v) and G(s − v); power: the quadrature sum).
 */
function evaluate(shape: 'ramp' | 'power', vs: ArrayLike<number>, ds: ArrayLike<number>, n: number, p: Float64Array, mv: Float64Array, aux: Float64Array, auxB: Float64Array, r: Float64Array): number {
  const b = p[0], C = p[1], s = p[2], l = p[3], sig = p[4];
  let ss = 0;
  if (shape === 'ramp') {
    const cl = C / l;
    for (let i = 0; i < n; i++) {
      const v = vs[i];
      const g1 = smoothRamp(s - v, sig);
      const dG = g1 - smoothRamp(s - l - v, sig);
      auxB[i] = g1;
      aux[i] = dG;
      const m = b + cl * dG;
      mv[i] = m;
      const res = ds[i] - m;
      r[i] = res;
      ss += res * res;
    }
  } else {
    const g = p[5];
    for (let i = 0; i < n; i++) {
      const acc = powerAcc(s - vs[i], l, sig, g);
      aux[i] = acc;
      const m = b + C * acc;
      mv[i] = m;
      const res = ds[i] - m;
      r[i] = res;
      ss += res * res;
    }
  }
  return ss;
}

/**
 * Forward-difference Jacobian (row-major n × nP) at p, step h_k = 10⁻⁵·max(1, |p_k|) — the
 * difference quotients the tip fit has always used (its results depend on them at the 0.1-px
 * level, see test/track/edgeFit.test.ts), computed without re-evaluating anything that the
 * perturbed parameter does not change: the baseline and contrast columns from the cached
 * profile, the wedge's ℓ column from the cached G(s − v).
 */
function jacobian(shape: 'ramp' | 'power', vs: ArrayLike<number>, n: number, nP: number, p: Float64Array, mv: Float64Array, aux: Float64Array, auxB: Float64Array, out: Float64Array): void {
  const b = p[0], C = p[1], s = p[2], l = p[3], sig = p[4];
  const h0 = 1e-5 * Math.max(1, Math.abs(b)), h1 = 1e-5 * Math.max(1, Math.abs(C)), h2 = 1e-5 * Math.max(1, Math.abs(s));
  const h3 = 1e-5 * Math.max(1, Math.abs(l)), h4 = 1e-5 * Math.max(1, Math.abs(sig));
  const b1 = b + h0, C1 = C + h1, s1 = s + h2, l1 = l + h3, sig1 = sig + h4;
  if (shape === 'ramp') {
    const cl = C / l, c1l = C1 / l, cl1 = C / l1;
    for (let i = 0; i < n; i++) {
      const v = vs[i], m = mv[i], dG = aux[i], o = i * nP;
      out[o] = (b1 + cl * dG - m) / h0;
      out[o + 1] = (b + c1l * dG - m) / h1;
      out[o + 2] = (b + cl * (smoothRamp(s1 - v, sig) - smoothRamp(s1 - l - v, sig)) - m) / h2;
      out[o + 3] = (b + cl1 * (auxB[i] - smoothRamp(s - l1 - v, sig)) - m) / h3;
      out[o + 4] = (b + cl * (smoothRamp(s - v, sig1) - smoothRamp(s - l - v, sig1)) - m) / h4;
    }
  } else {
    const g = p[5], h5 = 1e-5 * Math.max(1, Math.abs(g)), g1 = g + h5;
    for (let i = 0; i < n; i++) {
      const v = vs[i], m = mv[i], acc = aux[i], o = i * nP;
      out[o] = (b1 + C * acc - m) / h0;
      out[o + 1] = (b + C1 * acc - m) / h1;
      out[o + 2] = (b + C * powerAcc(s1 - v, l, sig, g) - m) / h2;
      out[o + 3] = (b + C * powerAcc(s - v, l1, sig, g) - m) / h3;
      out[o + 4] = (b + C * powerAcc(s - v, l, sig1, g) - m) / h4;
      if (nP > 5) out[o + 5] = (b + C * powerAcc(s - v, l, sig, g1) - m) / h5;
    }
  }
}

/**
 * A·x = b solved in place (x enters as b; A destroyed) by Gaussian elimination with partial
 * pivoting, for small A, without allocating; false when A is singular or x not finite.
 */
export function solveInPlace(a: Float64Array, x: Float64Array, n: number): boolean {
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[piv * n + c])) piv = r;
    if (Math.abs(a[piv * n + c]) < 1e-300) return false;
    if (piv !== c) {
      for (let k = 0; k < n; k++) { const t = a[c * n + k]; a[c * n + k] = a[piv * n + k]; a[piv * n + k] = t; }
      const t = x[c]; x[c] = x[piv]; x[piv] = t;
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let s = x[c];
    for (let k = c + 1; k < n; k++) s -= a[c * n + k] * x[k];
    x[c] = s / a[c * n + c];
    if (!Number.isFinite(x[c])) return false;
  }
  return true;
}

/** JᵀJ into A (full, symmetric) and, with r, Jᵀr into G. */
function normalEquations(n: number, nP: number, r: Float64Array | null): void {
  A.fill(0, 0, nP * nP);
  G.fill(0);
  for (let i = 0; i < n; i++) {
    const o = i * nP;
    for (let a = 0; a < nP; a++) {
      const ja = J[o + a];
      if (r) G[a] += ja * r[i];
      for (let b = a; b < nP; b++) A[a * nP + b] += ja * J[o + b];
    }
  }
  for (let a = 0; a < nP; a++) for (let b = 0; b < a; b++) A[a * nP + b] = A[b * nP + a];
}

/**
 * Damped Gauss–Newton (Levenberg–Marquardt) from start, parameters clamped to [LOWER, UPPER]
 * after each step (γ sits at its fixed value but keeps its column, as it always had).
 */
function fitEdge(vs: ArrayLike<number>, ds: ArrayLike<number>, start: number[], noiseSigma: number, shape: 'ramp' | 'power'): EdgeFitResult & { baseline: number } {
  const n = vs.length;
  ensureCapacity(n);
  const NP = shape === 'power' ? 6 : 5;
  for (let k = 0; k < NP; k++) P[k] = Math.min(UPPER[k], Math.max(LOWER[k], start[k]));
  let mv = MV, mv2 = MV2, aux = AUX, aux2 = AUX2, auxB = AUXB, auxB2 = AUXB2, r = R1, r2 = R2;
  let ss = evaluate(shape, vs, ds, n, P, mv, aux, auxB, r);
  let lambda = 1e-2;
  let converged = false;
  /** J holds the Jacobian at P. */
  let jacAtP = false;
  for (let it = 0; it < 60; it++) {
    jacobian(shape, vs, n, NP, P, mv, aux, auxB, J);
    jacAtP = true;
    normalEquations(n, NP, r);
    let improved = false;
    for (let tries = 0; tries < 10; tries++) {
      M.set(A.subarray(0, NP * NP));
      for (let a = 0; a < NP; a++) M[a * NP + a] += lambda * (A[a * NP + a] + 1e-12);
      DP.set(G);
      if (!solveInPlace(M, DP, NP)) {
        lambda *= 10;
        continue;
      }
      for (let k = 0; k < NP; k++) Q[k] = Math.min(UPPER[k], Math.max(LOWER[k], P[k] + DP[k]));
      const ss2 = evaluate(shape, vs, ds, n, Q, mv2, aux2, auxB2, r2);
      if (ss2 < ss) {
        const rel = (ss - ss2) / Math.max(ss, 1e-300);
        P.set(Q);
        ss = ss2;
        let t = mv; mv = mv2; mv2 = t;
        t = aux; aux = aux2; aux2 = t;
        t = auxB; auxB = auxB2; auxB2 = t;
        t = r; r = r2; r2 = t;
        jacAtP = false;
        lambda = Math.max(lambda / 3, 1e-9);
        improved = true;
        if (rel < 1e-7) converged = true;
        break;
      }
      lambda *= 10;
    }
    if (!improved || converged) {
      converged = true;
      break;
    }
  }
  // Covariance of s: σ² (JᵀJ)⁻¹[2,2]
  if (!jacAtP) jacobian(shape, vs, n, NP, P, mv, aux, auxB, J);
  normalEquations(n, NP, null);
  // the larger of the stated noise and the residual scatter (model misfit counts too)
  const s2 = Math.max(Number.isFinite(noiseSigma) ? noiseSigma * noiseSigma : 0, ss / Math.max(1, n - NP));
  M.set(A.subarray(0, NP * NP));
  DP.fill(0);
  DP[2] = 1;
  const ok = solveInPlace(M, DP, NP);
  const tipSigma = ok && DP[2] > 0 ? Math.sqrt(s2 * DP[2]) : NaN;
  return { baseline: P[0], tipV: P[2], tipSigma, contrast: P[1], rampLength: P[3], psfSigma: P[4], rmsResidual: Math.sqrt(ss / n), converged };
}

/** Solve M x = b for a small symmetric positive (semi)definite M by Gaussian elimination with pivoting. */
export function solveSym(M: Float64Array, b: ArrayLike<number>, n: number): Float64Array | null {
  const a = Float64Array.from(M);
  const x = Float64Array.from(b as ArrayLike<number>);
  return solveInPlace(a, x, n) ? x : null;
}
