/**
 * Forward-difference Jacobian of residuals w.r.t. internal coordinates. The step on coordinate
 * k is h = diffStep·max(1, |u_k|), taken backwards when the forward point would leave the box.
 */

/**
 * @param f residual function of internal coordinates
 * @param u point (internal coordinates)
 * @param r0 f(u), already evaluated
 * @returns row-major m×p Jacobian
 */
export function forwardDifferenceJacobian(
  f: (u: Float64Array) => Float64Array,
  u: Float64Array,
  r0: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  diffStep: number,
): Float64Array {
  const p = u.length;
  const m = r0.length;
  const jac = new Float64Array(m * p);
  const up = Float64Array.from(u);
  for (let k = 0; k < p; k++) {
    let h = diffStep * Math.max(1, Math.abs(u[k]));
    if (u[k] + h > upper[k]) {
      // Step backwards, or to the farther bound when the box is narrower than the step.
      h = u[k] - h >= lower[k] ? -h : upper[k] - u[k] >= u[k] - lower[k] ? upper[k] - u[k] : lower[k] - u[k];
    }
    up[k] = u[k] + h;
    const hk = up[k] - u[k]; // exact representable step
    const rk = f(up);
    for (let i = 0; i < m; i++) jac[i * p + k] = (rk[i] - r0[i]) / hk;
    up[k] = u[k];
  }
  return jac;
}
