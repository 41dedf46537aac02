/**
 * MODEL.md §3 D2: primary (ohmic) current collected by a conducting slit — a Li-filled crack
 * connected to the plating electrode — of height ℓ in an electrolyte gap d (2D, conformal map):
 *
 *   I_d/w = (4·j_n·d/π)·artanh(sin(π·ℓ/(2d))).
 *
 * artanh(sin x) = −ln tan((π/2 − x)/2) is evaluated in that form, from d − ℓ, so the
 * near-short limit keeps full relative precision.
 */

/**
 * Exact 2D collection current per unit out-of-plane width.
 * @param lengthM slit height ℓ [m], 0 ≤ ℓ ≤ d
 * @param gapM electrolyte thickness d [m]
 * @param jnAPerM2 applied current density [A/m²]
 * @returns I_d/w [A/m] (Infinity at ℓ = d)
 */
export function dendriteCollectionPerWidthAPerM(lengthM: number, gapM: number, jnAPerM2: number): number {
  if (lengthM <= 0) return 0;
  const u = (Math.PI * (gapM - lengthM)) / (4 * gapM);
  if (u <= 0) return Infinity;
  return ((4 * jnAPerM2 * gapM) / Math.PI) * -Math.log(Math.tan(u));
}

/**
 * Short-slit asymptote (ℓ ≪ d): the slit gathers the current of 2ℓ of electrode, I_d/w → 2·j_n·ℓ.
 * @returns I_d/w [A/m]
 */
export function dendriteCollectionSmallLengthPerWidthAPerM(lengthM: number, jnAPerM2: number): number {
  return 2 * jnAPerM2 * lengthM;
}

/**
 * Near-short asymptote (ℓ → d): I_d/w ≈ (4·j_n·d/π)·ln(4d/(π·(d − ℓ))).
 * @returns I_d/w [A/m]
 */
export function dendriteCollectionNearShortPerWidthAPerM(lengthM: number, gapM: number, jnAPerM2: number): number {
  return ((4 * jnAPerM2 * gapM) / Math.PI) * Math.log((4 * gapM) / (Math.PI * (gapM - lengthM)))
}

/**
 * 3D half-penny dendrite of radius ℓ ≪ d on the plating electrode: I_d = 4·j_n·ℓ².
 * @returns I_d [A]
 */
export function halfPennyCollectionCurrentA(radiusM: number, jnAPerM2: number): number {
  return 4 * jnAPerM2 * radiusM * radiusM;
}
