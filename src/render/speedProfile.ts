/**
 * Piecewise-constant tip speed and its exact integral: the crack length
 * L(t) = L0 + ∫_{t_start}^{t} v(τ) dτ for t ≥ t_start.
 */
import type { SpeedSegment } from './scenarioSchema.js';

export interface SpeedProfile {
  startS: number;
  /** Speed at time t [µm/s] (right-continuous; 0 before start). */
  speedUmPerS(tS: number): number;
  /** Crack length at time t [µm]; NaN before start. */
  lengthUm(tS: number): number;
  /** First time the length reaches `lengthUm` (≥ start), or +∞ if never. */
  timeAtLengthS(lengthUm: number): number;
}

/**
 * @param segments speed pieces (from_s sorted); a constant speed is one piece from −∞
 * @param startS time the crack appears [s]
 * @param length0Um length when it appears [µm]
 */
export function speedProfile(segments: ReadonlyArray<SpeedSegment>, startS: number, length0Um: number): SpeedProfile {
  // Pieces clipped to start at startS: [t0, t1) with speed v.
  const pieces: Array<{ t0: number; v: number; l0: number }> = [];
  let len = length0Um;
  const speedAt = (t: number): number => {
    let v = 0;
    for (const s of segments) if (s.from_s <= t) v = s.speed_um_per_s;
    return v;
  };
  const knots = [startS, ...segments.map((s) => s.from_s).filter((t) => t > startS)];
  for (let i = 0; i < knots.length; i++) {
    const v = speedAt(knots[i]);
    pieces.push({ t0: knots[i], v, l0: len });
    if (i + 1 < knots.length) len += v * (knots[i + 1] - knots[i]);
  }
  const pieceAt = (t: number) => {
    let p = pieces[0];
    for (const q of pieces) if (q.t0 <= t) p = q;
    return p;
  };
  return {
    startS,
    speedUmPerS: (t) => (t < startS ? 0 : speedAt(t)),
    lengthUm: (t) => {
      if (t < startS) return NaN;
      const p = pieceAt(t);
      return p.l0 + p.v * (t - p.t0);
    },
    timeAtLengthS: (target) => {
      if (target <= length0Um) return startS;
      for (let i = 0; i < pieces.length; i++) {
        const p = pieces[i];
        const end = i + 1 < pieces.length ? pieces[i + 1].l0 : Infinity;
        if (target <= end && p.v > 0) return p.t0 + (target - p.l0) / p.v;
      }
      return Infinity;
    },
  };
}

/** The speed pieces of a growth spec (constant speed → one piece from −∞). */
export function speedSegmentsOf(g: { speed_um_per_s?: number; speed_segments?: SpeedSegment[] }): SpeedSegment[] {
  return g.speed_segments ?? [{ from_s: -Infinity, speed_um_per_s: g.speed_um_per_s ?? 0 }];
}
