/**
 * A dendrite's growth axis and length. A Li-filled crack grows along its own direction, which
 * may be tilted from the electrode normal (Fig. 2 of the reference paper: two cracks from one
 * base at different angles), and its velocity — hence j_tip — is the speed of the tip along
 * that direction. The axis is the principal direction of the tip positions over time (the
 * path the tip travelled); the base is where that line meets the electrode interface; the
 * length is the tip's distance from the base along the axis. A tip that has hardly moved
 * keeps the electrode normal as its axis.
 */

export interface DendriteAxis {
  /** Unit direction (canonical u, v), v > 0 (into the crystal). */
  du: number;
  dv: number;
  /** Base point on the interface (canonical) [px]. */
  baseU: number;
  baseV: number;
  /** Tilt from the electrode normal [rad] (signed: + toward +u). */
  tiltRad: number;
}

/**
 * @param us,vs tip positions (canonical) [px]
 * @param interfaceAt interface v at a (fractional) column u
 * @param minTravelPx below this travel the axis is the electrode normal
 * @param maxTiltRad tilt is clamped to ±this
 */
export function dendriteAxis(us: ArrayLike<number>, vs: ArrayLike<number>, interfaceAt: (u: number) => number, minTravelPx = 10, maxTiltRad = (70 * Math.PI) / 180): DendriteAxis {
  const n = us.length;
  let mu = 0, mv = 0;
  for (let i = 0; i < n; i++) { mu += us[i]; mv += vs[i]; }
  mu /= n; mv /= n;
  let suu = 0, svv = 0, suv = 0;
  for (let i = 0; i < n; i++) { const a = us[i] - mu, b = vs[i] - mv; suu += a * a; svv += b * b; suv += a * b; }
  // principal direction of the 2×2 scatter matrix
  const theta = 0.5 * Math.atan2(2 * suv, svv - suu); // angle from +v toward +u
  const travel = 2 * Math.sqrt((suu + svv) / Math.max(1, n)) * Math.sqrt(3); // ≈ range of a uniform spread
  let tilt = travel >= minTravelPx ? theta : 0;
  tilt = Math.max(-maxTiltRad, Math.min(maxTiltRad, tilt));
  const du = Math.sin(tilt), dv = Math.cos(tilt);
  // base: walk back along the axis from the centroid to the interface (bisection on λ)
  const f = (lam: number) => mv + lam * dv - interfaceAt(mu + lam * du);
  let hi = 0, lo = -(mv + 50) / dv;
  if (f(hi) < 0) hi = (interfaceAt(mu) - mv) / dv + 1;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) > 0) hi = mid; else lo = mid;
  }
  const lam = 0.5 * (lo + hi);
  return { du, dv, baseU: mu + lam * du, baseV: mv + lam * dv, tiltRad: tilt };
}

/** Tip distance from the base along the axis [px]. */
export function lengthAlongAxisPx(axis: DendriteAxis, u: number, v: number): number {
  return (u - axis.baseU) * axis.du + (v - axis.baseV) * axis.dv;
}
