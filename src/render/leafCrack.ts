/**
 * A leaf-shaped Li-filled crack in edge coordinates (u = depth from the plating border,
 * v = along the border, both px). It grows along its axis from a base point: the apex sits at
 * axial distance L(t) from the base, and the half-width at axial position s ∈ [0, L] is
 *
 *     h(s) = (W/2) · k · (1 − ξ)(ξ + β),   ξ = s/L,  β = 0.15,  k = 4/(1 + β)²
 *
 * (maximum W/2 at ξ = (1 − β)/2, base half-width ≈ 0.23 W, straight flanks at the apex).
 * Behind the base (s ∈ [−sIn, 0]) the base half-width continues into the electrode (or the
 * parent crack) so the crack is connected to it whatever the interface roughness.
 *
 * Truth: the tip is the point of the shape farthest from the plating border (largest u).
 * For a leaf whose apex half-angle α and axis tilt θ satisfy α + |θ| ≤ 90° this is the apex;
 * otherwise it lies on the flank facing away from the electrode and is found in closed form
 * (u along the flank is a concave quadratic in s).
 */
import type { SpeedProfile } from './speedProfile.js';

const BETA = 0.15;
const K = 4 / ((1 + BETA) * (1 + BETA));

export interface LeafGeometry {
  /** Axial length L [px] (apex distance from the base). */
  lengthPx: number;
  /** Maximum full width W [px]. */
  widthPx: number;
}

export interface LeafCrack {
  baseU: number;
  baseV: number;
  /** Axis angle from the edge normal [rad]. */
  angleRad: number;
  profile: SpeedProfile;
  /** Geometry at time t, or null before the crack appears. */
  geometryAt(tS: number): LeafGeometry | null;
  /** Whether (u, v) is inside the crack of geometry g. */
  contains(g: LeafGeometry, u: number, v: number, marginPx?: number): boolean;
  /**
   * Whether the whole disc of radius ρ around (u, v) is inside (1) or outside (0) the crack,
   * or may be cut by its boundary (−1). Conservative: uses the Lipschitz bound of |r| − h(s).
   */
  discState(g: LeafGeometry, u: number, v: number, rhoPx: number): 1 | 0 | -1;
  /** The tip (farthest point from the plating border) for geometry g: (u, v). */
  tip(g: LeafGeometry): [number, number];
  /** The apex (axial end) for geometry g: (u, v). */
  apex(g: LeafGeometry): [number, number];
  /** Axis-aligned box (u0, u1, v0, v1) that contains the shape, widened by margin [px]. */
  bounds(g: LeafGeometry, marginPx?: number): [number, number, number, number];
}

export interface LeafSpec {
  baseU: number;
  baseV: number;
  angleRad: number;
  profile: SpeedProfile;
  /** µm → px factor (1/µm per px). */
  pxPerUm: number;
  width0Um: number;
  widenUmPerS: number;
  widthMaxUm: number;
  /** Extension behind the base [px]. */
  sInPx: number;
}

/** Half-width [px] at axial position s for geometry g (s in [0, L]). */
export function leafHalfWidthPx(g: LeafGeometry, sPx: number): number {
  const xi = sPx / g.lengthPx;
  return 0.5 * g.widthPx * K * (1 - xi) * (xi + BETA);
}

/** Build a leaf crack from its spec. */
export function leafCrack(spec: LeafSpec): LeafCrack {
  const { baseU, baseV, angleRad, profile, pxPerUm, sInPx } = spec;
  const c = Math.cos(angleRad);
  const sn = Math.sin(angleRad);
  const geometryAt = (tS: number): LeafGeometry | null => {
    const lUm = profile.lengthUm(tS);
    if (!(lUm > 0)) return null;
    const wUm = Math.min(spec.widthMaxUm, spec.width0Um + spec.widenUmPerS * (tS - profile.startS));
    return { lengthPx: lUm * pxPerUm, widthPx: wUm * pxPerUm };
  };
  const contains = (g: LeafGeometry, u: number, v: number, m = 0): boolean => {
    const du = u - baseU;
    const dv = v - baseV;
    const s = du * c + dv * sn;
    if (s < -sInPx - m || s > g.lengthPx + m) return false;
    const r = Math.abs(-du * sn + dv * c);
    const h = s <= 0 ? leafHalfWidthPx(g, 0) : s >= g.lengthPx ? 0 : leafHalfWidthPx(g, s);
    return r <= h + m;
  };
  const discState = (g: LeafGeometry, u: number, v: number, rho: number): 1 | 0 | -1 => {
    const du = u - baseU;
    const dv = v - baseV;
    const s = du * c + dv * sn;
    if (s < -sInPx - rho || s > g.lengthPx + rho) return 0;
    const r = Math.abs(-du * sn + dv * c);
    const h = s <= 0 ? leafHalfWidthPx(g, 0) : s >= g.lengthPx ? 0 : leafHalfWidthPx(g, s);
    const slope = (0.5 * g.widthPx * K * (1 + BETA)) / g.lengthPx; // max |h'(s)|
    const tol = rho * (1 + slope);
    if (r - h > tol) return 0;
    if (h - r > tol && s > -sInPx + rho && s < g.lengthPx - rho) return 1;
    return -1;
  };
  const apex = (g: LeafGeometry): [number, number] => [baseU + g.lengthPx * c, baseV + g.lengthPx * sn];
  const tip = (g: LeafGeometry): [number, number] => {
    const as = Math.abs(sn);
    if (as < 1e-12) return apex(g);
    // Flank facing away from the electrode: p(s) = base + s·a + h(s)·n·σ with u-component
    // u(s) = baseU + s·cosθ + |sinθ|·h(s); maximise the concave quadratic on [0, L].
    const hk = 0.5 * g.widthPx * K;
    const xiStar = 0.5 * (1 - BETA + (g.lengthPx * c) / (as * hk));
    if (xiStar >= 1) return apex(g);
    const xi = Math.max(0, xiStar);
    const s = xi * g.lengthPx;
    const h = leafHalfWidthPx(g, s);
    const side = sn > 0 ? -1 : 1; // n = (−sinθ, cosθ); choose the side whose u-component is +|sinθ|
    return [baseU + s * c + side * h * -sn, baseV + s * sn + side * h * c];
  };
  const bounds = (g: LeafGeometry, m = 0): [number, number, number, number] => {
    const hMax = 0.5 * g.widthPx + m;
    const s0 = -sInPx - m;
    const s1 = g.lengthPx + m;
    const us: number[] = [];
    const vs: number[] = [];
    for (const s of [s0, s1])
      for (const r of [-hMax, hMax]) {
        us.push(baseU + s * c - r * sn);
        vs.push(baseV + s * sn + r * c);
      }
    return [Math.min(...us), Math.max(...us), Math.min(...vs), Math.max(...vs)];
  };
  return { baseU, baseV, angleRad, profile, geometryAt, contains, discState, tip, apex, bounds };
}
