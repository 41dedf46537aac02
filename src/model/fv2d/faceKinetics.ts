/**
 * Current through one side of a Li crack face: from the metal (potential Φ) across the
 * charge-transfer interface and the half cell (resistance r_h = Δ/(2σ) [Ω m²]) into the cell
 * centre (potential φ). Per unit area, with x = Φ − φ − E_eq [V]:
 *
 *   j = j_kin(x − r_h·j)   (anodic, metal → electrolyte, positive)
 *
 * 'fast': j_kin⁻¹ ≡ 0, so j = x/r_h; 'linear': j = x/(r_s + r_h) with r_s = RT/(F j0);
 * 'bv': Butler–Volmer j_kin(η) = j0[exp(α_a f η) − exp(−(1 − α_a) f η)], solved by a
 * safeguarded scalar Newton.
 *
 * Deposition threshold η_th ≥ 0 (Li that is plated into a confined crack must be pressurised
 * to the crack-extension pressure p_c, E_eq = −η_th, while dissolving Li is unloaded, p = 0):
 * with x = Φ − φ_cell, the face dissolves normally for x ≥ 0, carries no current for
 * −η_th ≤ x < 0 (the Li holds an intermediate pressure), and plates with drive x + η_th below.
 * The current is a non-decreasing function of x.
 */
export interface FaceKinetics {
  readonly kind: 'fast' | 'linear' | 'bv';
  /** Exchange current density j0 [A/m²] (ignored for 'fast'). */
  readonly j0APerM2: number;
  /** Anodic transfer coefficient α_a (cathodic 1 − α_a). */
  readonly alphaA: number;
  /** f = F/(RT) [1/V]. */
  readonly fPerV: number;
}

/** Result of evaluateFaceCurrent: j [A/m²] and dj/dx [A/(m² V)]. */
export interface FaceCurrent {
  j: number;
  djdx: number;
}

/**
 * j and dj/dx for driving voltage x [V] and half-cell resistance rHalf [Ω m²].
 * @param kin kinetics
 * @param xV Φ − φ_cell − E_eq [V]
 * @param rHalfOhmM2 Δ/(2σ) [Ω m²]
 * @param out reused result object
 * @param thresholdV deposition threshold η_th ≥ 0 [V] (0: none)
 */
export function evaluateFaceCurrent(kin: FaceKinetics, xV: number, rHalfOhmM2: number, out: FaceCurrent, thresholdV = 0): FaceCurrent {
  if (thresholdV > 0 && xV < 0) {
    if (xV >= -thresholdV) {
      out.j = 0;
      // a tiny slope keeps the floating-potential Jacobian regular when every face is in the dead zone
      out.djdx = 1e-9 / (rHalfOhmM2 + (kin.kind === 'fast' ? 0 : 1 / (kin.fPerV * kin.j0APerM2)));
      return out;
    }
    xV += thresholdV;
  }
  if (kin.kind === 'fast') {
    out.j = xV / rHalfOhmM2;
    out.djdx = 1 / rHalfOhmM2;
    return out;
  }
  const rs = 1 / (kin.fPerV * kin.j0APerM2);
  if (kin.kind === 'linear') {
    out.j = xV / (rs + rHalfOhmM2);
    out.djdx = 1 / (rs + rHalfOhmM2);
    return out;
  }
  const aA = kin.alphaA * kin.fPerV;
  const aC = (1 - kin.alphaA) * kin.fPerV;
  const j0 = kin.j0APerM2;
  // F(j) = j − j_bv(x − r_h j) is increasing in j; the root lies between 0 and x/r_h.
  let lo = Math.min(0, xV / rHalfOhmM2);
  let hi = Math.max(0, xV / rHalfOhmM2);
  let j = xV / (rs + rHalfOhmM2);
  let dbv = 0;
  for (let it = 0; it < 100; it++) {
    const eta = xV - rHalfOhmM2 * j;
    const ea = Math.exp(aA * eta);
    const ec = Math.exp(-aC * eta);
    const bv = j0 * (ea - ec);
    dbv = j0 * (aA * ea + aC * ec);
    const F = j - bv;
    if (F > 0) hi = j;
    else lo = j;
    let jn = j - F / (1 + rHalfOhmM2 * dbv);
    if (!(jn > lo && jn < hi)) jn = 0.5 * (lo + hi);
    const done = Math.abs(jn - j) <= 1e-14 * Math.max(Math.abs(jn), j0 * 1e-6);
    j = jn;
    if (done || hi - lo <= 1e-15 * Math.max(Math.abs(hi), Math.abs(lo))) break;
  }
  const eta = xV - rHalfOhmM2 * j;
  dbv = j0 * (aA * Math.exp(aA * eta) + aC * Math.exp(-aC * eta));
  out.j = j;
  out.djdx = dbv / (1 + rHalfOhmM2 * dbv);
  return out;
}
