/**
 * A leaf-shaped Li-filled crack in edge coordinates (u = depth from the plating border,
 * v = along the border, both px). It grows along its axis from a base point: the apex sits at
 * axial distance L(t) from the base, and the half-width at axial position s ∈ [0, L] is
 *
 *     h(s) = (W/2) · K · √(1 − ξ) · (ξ + β),   ξ = s/L,  β = 0.15,  K = 1 / max(√(1 − ξ)(ξ + β))
 *
 * (maximum W/2 at ξ = (2 − β)/3, base half-width ≈ 0.16 W). The √ near the apex is the
 * crack-opening profile of linear-elastic fracture mechanics (opening ∝ √distance from the
 * tip): the tip is rounded at the pixel scale, so it stays visible after blur instead of
 * thinning into a sub-pixel sliver. Behind the base (s ∈ [−sIn, 0]) the base half-width
 * continues into the electrode (or the parent crack) so the crack is connected to it whatever
 * the interface roughness.
 *
 * Truth: the tip is the apex, the point of the shape farthest along the crack's own growth
 * direction (its axis), at axial distance L from the base: unique and well conditioned. The
 * point farthest from the plating border (`deepestPoint`) coincides with it for an untilted
 * crack; for a crack tilted by θ it lies on the flank facing away from the electrode,
 * (c·tan θ / 2)² px behind the apex in depth (c = h/√(L − s) near the apex) — hundredths of a
 * pixel for the shapes used here — and is found by bisection on the (concave) flank depth.
 */
import type { SpeedProfile } from './speedProfile.js';

const BETA = 0.15;
const XI_MAX = (2 - BETA) / 3;
const K = 1 / (Math.sqrt(1 - XI_MAX) * (XI_MAX + BETA));

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
  /** The point of the shape farthest from the plating border for geometry g: (u, v). */
  deepestPoint(g: LeafGeometry): [number, number];
  /** The apex (axial end, the truth tip) for geometry g: (u, v). */
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
  if (xi >= 1) return 0;
  return 0.5 * g.widthPx * K * Math.sqrt(1 - Math.max(0, xi)) * (Math.max(0, xi) + BETA);
}

/** Half-width at any axial position (constant behind the base, 0 beyond the apex). */
function halfWidthAnywhere(g: LeafGeometry, s: number): number {
  return s <= 0 ? leafHalfWidthPx(g, 0) : s >= g.lengthPx ? 0 : leafHalfWidthPx(g, s);
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
    return r <= halfWidthAnywhere(g, s) + m;
  };
  const discState = (g: LeafGeometry, u: number, v: number, rho: number): 1 | 0 | -1 => {
    const du = u - baseU;
    const dv = v - baseV;
    const s = du * c + dv * sn;
    if (s < -sInPx - rho || s > g.lengthPx + rho) return 0;
    const r = Math.abs(-du * sn + dv * c);
    // Over the disc, s ∈ [s − ρ, s + ρ] and |r| ∈ [r − ρ, r + ρ]; h is unimodal in s, so its
    // minimum on that interval is at an end and its maximum at an end or at the widest point.
    const s0 = s - rho;
    const s1 = s + rho;
    const h0 = halfWidthAnywhere(g, s0);
    const h1 = halfWidthAnywhere(g, s1);
    const sPeak = XI_MAX * g.lengthPx;
    const hMax = s0 < sPeak && s1 > sPeak ? 0.5 * g.widthPx : Math.max(h0, h1);
    if (r - rho > hMax) return 0;
    if (r + rho < Math.min(h0, h1) && s0 > -sInPx && s1 < g.lengthPx) return 1;
    return -1;
  };
  const apex = (g: LeafGeometry): [number, number] => [baseU + g.lengthPx * c, baseV + g.lengthPx * sn];
  const deepestPoint = (g: LeafGeometry): [number, number] => {
    const as = Math.abs(sn);
    if (as < 1e-12) return apex(g);
    // Flank facing away from the electrode: p(ξ) = base + ξL·a + h(ξ)·n·σ, with depth
    // u(ξ) = baseU + ξL·cos θ + |sin θ|·h(ξ), concave in ξ; u'(ξ) decreases from > 0 to −∞.
    const hk = 0.5 * g.widthPx * K;
    const du = (xi: number): number => {
      const q = Math.sqrt(1 - xi);
      return g.lengthPx * c + as * hk * (q - (xi + BETA) / (2 * q));
    };
    let lo = 0;
    let hi = 1;
    if (du(0) <= 0) hi = 0;
    for (let it = 0; it < 200 && hi - lo > 1e-15; it++) {
      const mid = 0.5 * (lo + hi);
      if (du(mid) > 0) lo = mid;
      else hi = mid;
    }
    const xi = 0.5 * (lo + hi);
    const s = xi * g.lengthPx;
    const h = leafHalfWidthPx(g, s);
    const side = sn > 0 ? -1 : 1; // n = (−sin θ, cos θ); the side whose u-component is +|sin θ|
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
  return { baseU, baseV, angleRad, profile, geometryAt, contains, discState, deepestPoint, apex, bounds };
}
