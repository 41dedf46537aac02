/**
 * FROZEN REFERENCE — the tip fit as it was before the analytic-Jacobian rewrite (commit a023c27,
 * src/track/edgeFit.ts, finite-difference Jacobians). Not used by the pipeline: it is the oracle
 * for test/track/edgeFit.test.ts (the fast fit must give the same tips) and the "old" column of
 * test/bench/tips.ts. Do not edit except to keep it compiling.
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
  const [b, C, s, l, sig] = [p[0], p[1], p[2], p[3], p[4]];
  return b + (C / l) * (smoothRamp(s - v, sig) - smoothRamp(s - l - v, sig));
}

// Gauss–Hermite-like fixed quadrature of the unit Gaussian on [−4.5, 4.5].
const QN = 25;
const QZ = new Float64Array(QN), QW = new Float64Array(QN);
{
  let sw = 0;
  for (let k = 0; k < QN; k++) {
    QZ[k] = -4 + (8 * k) / (QN - 1);
    QW[k] = Math.exp(-0.5 * QZ[k] * QZ[k]);
    sw += QW[k];
  }
  for (let k = 0; k < QN; k++) QW[k] /= sw;
}

/**
 * Power-law tip profile: the crack's width (hence the integrated darkening) grows as
 * ((s − v)/ℓ)^γ behind the apex s and saturates at C beyond ℓ; γ = ½ is the √ opening of
 * linear-elastic fracture mechanics, γ = 1 a wedge. Blurred along the axis by the PSF σ.
 * Parameters [b, C, s, ℓ, σ, γ].
 */
export function powerEdgeModel(v: number, p: ArrayLike<number>): number {
  const b = p[0], C = p[1], s = p[2], l = p[3], sig = p[4], g = p[5];
  let acc = 0;
  for (let k = 0; k < QN; k++) {
    const x = s - v - sig * QZ[k];
    if (x <= 0) continue;
    acc += QW[k] * (x >= l ? 1 : Math.pow(x / l, g));
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
  if (shape === 'ramp') return fitEdge(vs, ds, [0, Math.max(contrastGuess, 0.01), tipGuess, 2, 1], noiseSigma, 'ramp');
  // Power law (γ free, from the elastic √ tip) against the wedge (γ = 1, closed form): the
  // simpler wedge wins unless the power law is better by the Bayesian information criterion. Fitting γ freely
  // from a wedge start stalls where C, ℓ and γ trade off, hence the two separate models.
  const ramp = fitEdge(vs, ds, [0, Math.max(contrastGuess, 0.01), tipGuess, 2, 1], noiseSigma, 'ramp');
  const n = vs.length;
  // The wedge already explains the profile to the noise: no need for the costlier power law.
  if (Number.isFinite(noiseSigma) && ramp.rmsResidual ** 2 * n <= 1.3 * noiseSigma ** 2 * Math.max(1, n - 5)) return ramp;
  const power = fitEdge(vs, ds, [0, Math.max(contrastGuess, 0.01), tipGuess, 6, 1, 0.6], noiseSigma, 'power');
  const aic = (r: EdgeFitResult, k: number) => n * Math.log(Math.max(r.rmsResidual, 1e-12) ** 2) + k * Math.log(n);
  return aic(ramp, 5) <= aic(power, 6) ? ramp : power;
}

function fitEdge(vs: ArrayLike<number>, ds: ArrayLike<number>, start: number[], noiseSigma: number, shape: 'ramp' | 'power'): EdgeFitResult & { baseline: number } {
  const n = vs.length;
  const NP = shape === 'power' ? 6 : 5;
  const model = shape === 'power' ? powerEdgeModel : rampEdgeModel;
  let p = start.slice();
  const clamp = (q: number[]) => q.map((x, i) => Math.min(UPPER[i], Math.max(LOWER[i], x)));
  p = clamp(p);
  const resid = (q: number[], out: Float64Array) => {
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const r = ds[i] - model(vs[i], q);
      out[i] = r;
      ss += r * r;
    }
    return ss;
  };
  const r = new Float64Array(n), r2 = new Float64Array(n);
  const J = new Float64Array(n * NP);
  let ss = resid(p, r);
  let lambda = 1e-2;
  let converged = false;
  const jac = (q: number[]) => {
    for (let k = 0; k < NP; k++) {
      const h = 1e-5 * Math.max(1, Math.abs(q[k]));
      const qp = q.slice();
      qp[k] += h;
      for (let i = 0; i < n; i++) J[i * NP + k] = (model(vs[i], qp) - model(vs[i], q)) / h;
    }
  };
  const A = new Float64Array(NP * NP), g = new Float64Array(NP);
  for (let it = 0; it < 60; it++) {
    jac(p);
    A.fill(0);
    g.fill(0);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < NP; a++) {
        const ja = J[i * NP + a];
        g[a] += ja * r[i];
        for (let b = a; b < NP; b++) A[a * NP + b] += ja * J[i * NP + b];
      }
    }
    for (let a = 0; a < NP; a++) for (let b = 0; b < a; b++) A[a * NP + b] = A[b * NP + a];
    let improved = false;
    for (let tries = 0; tries < 10; tries++) {
      const M = Float64Array.from(A);
      for (let a = 0; a < NP; a++) M[a * NP + a] += lambda * (A[a * NP + a] + 1e-12);
      const dp = solveSym(M, g, NP);
      if (!dp) {
        lambda *= 10;
        continue;
      }
      const q = clamp(p.map((x, k) => x + dp[k]));
      const ss2 = resid(q, r2);
      if (ss2 < ss) {
        const rel = (ss - ss2) / Math.max(ss, 1e-300);
        p = q;
        ss = ss2;
        r.set(r2);
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
  jac(p);
  A.fill(0);
  for (let i = 0; i < n; i++) for (let a = 0; a < NP; a++) for (let b = 0; b < NP; b++) A[a * NP + b] += J[i * NP + a] * J[i * NP + b];
  // the larger of the stated noise and the residual scatter (model misfit counts too)
  const s2 = Math.max(Number.isFinite(noiseSigma) ? noiseSigma * noiseSigma : 0, ss / Math.max(1, n - NP));
  const e = new Float64Array(NP);
  e[2] = 1;
  const col = solveSym(Float64Array.from(A), e, NP);
  const tipSigma = col && col[2] > 0 ? Math.sqrt(s2 * col[2]) : NaN;
  return { baseline: p[0], tipV: p[2], tipSigma, contrast: p[1], rampLength: p[3], psfSigma: p[4], rmsResidual: Math.sqrt(ss / n), converged };
}

/** Solve M x = b for a small symmetric positive (semi)definite M by Gaussian elimination with pivoting. */
export function solveSym(M: Float64Array, b: ArrayLike<number>, n: number): Float64Array | null {
  const a = Float64Array.from(M);
  const x = Float64Array.from(b as ArrayLike<number>);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[piv * n + c])) piv = r;
    if (Math.abs(a[piv * n + c]) < 1e-300) return null;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [a[c * n + k], a[piv * n + k]] = [a[piv * n + k], a[c * n + k]];
      [x[c], x[piv]] = [x[piv], x[c]];
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
    if (!Number.isFinite(x[c])) return null;
  }
  return x;
}
