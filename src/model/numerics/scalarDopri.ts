/**
 * Adaptive Dormand–Prince 5(4) integrator for one scalar autonomous-or-not ODE y' = f(t, y),
 * with the free 4th-order dense output (Shampine's interpolant, as in DOPRI5 / SciPy RK45).
 *
 * Scalar on purpose: Model A reduces, within a constant-current, constant-mode segment, to one
 * state (the deposited Li volume per unit width), so this avoids any array allocation per step.
 */

// Butcher tableau (Dormand & Prince 1980).
const C2 = 1 / 5, C3 = 3 / 10, C4 = 4 / 5, C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40, A32 = 9 / 40;
const A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9;
const A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729;
const A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176, A65 = -5103 / 18656;
const B1 = 35 / 384, B3 = 500 / 1113, B4 = 125 / 192, B5 = -2187 / 6784, B6 = 11 / 84;
// Error weights b − b̂.
const E1 = 71 / 57600, E3 = -71 / 16695, E4 = 71 / 1920, E5 = -17253 / 339200, E6 = 22 / 525, E7 = -1 / 40;
// Dense output: y(t0 + θh) = y0 + h Σ_i k_i (P_i1 θ + P_i2 θ² + P_i3 θ³ + P_i4 θ⁴).
const P = [
  [1, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
  [0, 0, 0, 0],
  [0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
  [0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
  [0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
  [0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
  [0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
] as const;

export interface ScalarDopriOptions {
  /** Relative tolerance (default 1e-8, MODEL.md §2.5). */
  rtol?: number;
  /** Absolute tolerance on y (default 1e-12·rtol). */
  atol?: number;
  /** First trial step [units of t] (default: estimated from f). */
  h0?: number;
  /** Largest step (default: whole interval). */
  hMax?: number;
  /** Cap on accepted + rejected steps before giving up (default 100 000). */
  maxSteps?: number;
}

/**
 * Integrates from t0 towards tEnd one accepted step at a time; after each `step()`, the
 * interval [tPrev, t] carries a dense interpolant (`dense(t)`).
 */
export class ScalarDopri {
  t: number;
  y: number;
  tPrev: number;
  yPrev: number;
  private h: number;
  // Stage derivatives of the last accepted step (fields, not an array: no allocation per solver).
  private k1 = 0;
  private k3 = 0;
  private k4 = 0;
  private k5 = 0;
  private k6 = 0;
  private k7 = 0;
  private hLast = 0;
  private fCurrent: number;
  private readonly rtol: number;
  private readonly atol: number;
  private readonly hMax: number;
  private stepsLeft: number;

  constructor(
    private readonly f: (t: number, y: number) => number,
    t0: number,
    y0: number,
    private readonly tEnd: number,
    options: ScalarDopriOptions = {},
  ) {
    this.rtol = options.rtol ?? 1e-8;
    this.atol = options.atol ?? 1e-12 * this.rtol;
    this.hMax = options.hMax ?? Math.abs(tEnd - t0);
    this.stepsLeft = options.maxSteps ?? 100_000;
    this.t = t0;
    this.y = y0;
    this.tPrev = t0;
    this.yPrev = y0;
    this.fCurrent = f(t0, y0);
    const span = tEnd - t0;
    // Callers usually know the natural time scale; otherwise start at 1 % of the span and let
    // the controller adapt (each rejection costs six evaluations).
    const h = options.h0 !== undefined && options.h0 > 0 ? options.h0 : 0.01 * span;
    this.h = Math.min(Math.max(h, 1e-12 * Math.abs(span)), this.hMax, span);
  }

  /** True when the integration has reached tEnd. */
  get done(): boolean {
    return this.t >= this.tEnd;
  }

  /** Take one accepted step (shrinking as needed). Returns false if already at tEnd. */
  step(): boolean {
    if (this.done) return false;
    const f = this.f;
    const t = this.t;
    const y = this.y;
    for (;;) {
      if (this.stepsLeft-- <= 0) throw new Error('ScalarDopri: step budget exhausted (stiff or singular right-hand side)');
      let h = Math.min(this.h, this.hMax);
      const last = t + h >= this.tEnd;
      if (last) h = this.tEnd - t;
      const k1 = this.fCurrent;
      const k2 = f(t + C2 * h, y + h * A21 * k1);
      const k3 = f(t + C3 * h, y + h * (A31 * k1 + A32 * k2));
      const k4 = f(t + C4 * h, y + h * (A41 * k1 + A42 * k2 + A43 * k3));
      const k5 = f(t + C5 * h, y + h * (A51 * k1 + A52 * k2 + A53 * k3 + A54 * k4));
      const k6 = f(t + h, y + h * (A61 * k1 + A62 * k2 + A63 * k3 + A64 * k4 + A65 * k5));
      const yNew = y + h * (B1 * k1 + B3 * k3 + B4 * k4 + B5 * k5 + B6 * k6);
      const k7 = f(t + h, yNew);
      const err = Math.abs(h * (E1 * k1 + E3 * k3 + E4 * k4 + E5 * k5 + E6 * k6 + E7 * k7));
      const scale = this.atol + this.rtol * Math.max(Math.abs(y), Math.abs(yNew));
      const ratio = err / scale;
      const accept = ratio <= 1 || (Number.isFinite(ratio) && h <= 1e-14 * Math.max(1, Math.abs(t)));
      if (accept) {
        this.k1 = k1; this.k3 = k3; this.k4 = k4; this.k5 = k5; this.k6 = k6; this.k7 = k7;
        this.tPrev = t;
        this.yPrev = y;
        this.hLast = h;
        this.t = last ? this.tEnd : t + h;
        this.y = yNew;
        this.fCurrent = k7;
        const grow = ratio === 0 ? 5 : Math.min(5, 0.9 * Math.pow(ratio, -0.2));
        this.h = h * Math.max(1, grow);
        return true;
      }
      if (!Number.isFinite(ratio)) {
        this.h = 0.1 * h;
      } else {
        this.h = h * Math.max(0.2, 0.9 * Math.pow(ratio, -0.2));
      }
    }
  }

  /** Dense 4th-order interpolant on the last accepted step, tPrev ≤ tq ≤ t. */
  dense(tq: number): number {
    const h = this.hLast;
    if (h === 0) return this.y;
    const th = (tq - this.tPrev) / h;
    if (th >= 1) return this.y;
    if (th <= 0) return this.yPrev;
    const th2 = th * th, th3 = th2 * th, th4 = th3 * th;
    let s = 0;
    for (let i = 0; i < 7; i++) {
      if (i === 1) continue; // b2 ≡ 0
      const p = P[i];
      const ki = i === 0 ? this.k1 : i === 2 ? this.k3 : i === 3 ? this.k4 : i === 4 ? this.k5 : i === 5 ? this.k6 : this.k7;
      s += ki * (p[0] * th + p[1] * th2 + p[2] * th3 + p[3] * th4);
    }
    return this.yPrev + h * s;
  }
}
