/**
 * Measure one isolated inclusion in one frame, in canonical coordinates (u along the
 * electrode, v = distance from the plating edge) [px].
 *
 *  1. Pixels: the union of the inclusion's segmented regions (Li, and the emptied crack
 *     around it, which the segmenter's low threshold also picks up).
 *  2. Axis: weighted PCA (weights = darkening) of the pixels darker than half the region's
 *     95th-percentile darkening, through their darkening-weighted centroid; oriented so that
 *     it points away from the plating edge (+v).
 *  3. Profile p(s): the unblurred relative darkening along the axis, averaged across ±1 px
 *     (bilinear, 5 samples), every 0.25 px. Li contrast c = 90th percentile of p over the
 *     inclusion; Li runs = runs of p ≥ c/2. The main body is the run that overlaps the previous
 *     frame's body most (the largest run for a new inclusion); other runs are redeposited
 *     patches.
 *  4. Ends: each end of the body is where p crosses the mean of the levels 2–3 px inside and
 *     2–3 px outside the end (half-way between Li and whatever lies beyond: emptied crack or
 *     crystal), linearly interpolated between samples: a blurred step is crossed at its half
 *     level exactly where the step is. That holds for an end in a crack of full width; an end
 *     in the narrowing tip of its crack (the depositing end in extension mode) reads short by
 *     ≈ 0.3 px at a 1 px PSF, so:
 *  4b. each end is refined by fitting a local 2-D model of the darkening around it (Li of
 *     contrast c ending at e inside a crack whose half-width may taper to a wedge tip ahead,
 *     emptied crack of the contrast of step 6 beyond, isotropic Gaussian PSF; endModelFit.ts);
 *     the half-level end is kept when that fit is not credible.
 *  5. Li area = number of the inclusion's pixels with darkening ≥ c/2 (a blurred edge is
 *     crossed at half contrast where the true edge is, so the count is unbiased for straight
 *     edges); centroid = darkening-weighted mean of those pixels (all Li, patches included).
 *  6. Emptied crack: darkening integrated over the inclusion's pixels below c/2 (blurred
 *     darkening above the segmentation threshold) farther than 2 px from any Li pixel (the
 *     blurred rim of the Li), divided by the emptied crack's own contrast (median darkening of
 *     the crack's core): blur-invariant, unlike a pixel count. Within that 2 px rim,
 *     pixels beyond a Li end along the axis (inside the crack's width) are emptied crack hidden
 *     by the Li blur: they count with min(darkening, crack contrast).
 */
import { fitInclusionEnd } from './endModelFit.js';

export interface InclusionMeasurement {
  /** Axis points of the body's ends and the Li centroid (u, v) [px]. */
  back: [number, number];
  front: [number, number];
  centroid: [number, number];
  areaPx2: number;
  lengthPx: number;
  /** Unit axis (u, v), tV ≥ 0. */
  axis: [number, number];
  /** Axis origin (u, v) and the body's range [sBack, sFront] on it [px]. */
  origin: [number, number];
  sBack: number;
  sFront: number;
  /** Extent of the inclusion's regions (Li + emptied crack) along the axis [px]. */
  sMin: number;
  sMax: number;
  /** Half extent across the axis [px]. */
  halfWidthPx: number;
  liContrastRel: number;
  /** Contrast of the emptied crack (NaN when none is seen). */
  depletedContrastRel: number;
  depletedAreaPx2: number;
  patchAreaPx2: number;
  nPatches: number;
  patchFromTipPx: number;
  patchFromBackPx: number;
}

export interface MeasureInput {
  cw: number;
  ch: number;
  /** Unblurred and blurred relative darkening, labels (valid during the call). */
  darkening: Float32Array;
  darkeningBlurred: Float32Array;
  labels: Int32Array;
  /** Threshold of the segmentation (blurred relative darkening). */
  thresholdRel: number;
  /** Labels of the regions forming this inclusion and their union box. */
  labelSet: Set<number>;
  box: { uMin: number; uMax: number; vMin: number; vMax: number };
  /** Body of the previous frame (axis points back, front), if tracked. */
  previousBody?: { back: [number, number]; front: [number, number] };
  /** Refine the ends with the local 2-D end model (default true; false = half-level crossing only). */
  endModel?: boolean;
}

const DS = 0.25;

function bilinear(D: Float32Array, cw: number, ch: number, u: number, v: number): number {
  if (u < 0 || v < 0 || u > cw - 1 || v > ch - 1) return 0;
  const u0 = Math.min(Math.floor(u), cw - 2), v0 = Math.min(Math.floor(v), ch - 2);
  const fu = u - u0, fv = v - v0;
  const i = v0 * cw + u0;
  return (1 - fv) * ((1 - fu) * D[i] + fu * D[i + 1]) + fv * ((1 - fu) * D[i + cw] + fu * D[i + cw + 1]);
}

/** q-quantile (nearest rank) by quickselect on a copy: O(n), this runs for every region of every frame. */
function percentile(a: Float64Array | number[], q: number): number {
  const s = Float64Array.from(a);
  const n = s.length;
  if (!n) return NaN;
  const k = Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))));
  let lo = 0, hi = n - 1;
  while (lo < hi) {
    const pivot = s[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (s[i] < pivot) i++;
      while (s[j] > pivot) j--;
      if (i <= j) {
        const t = s[i]; s[i] = s[j]; s[j] = t;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return s[k];
  }
  return s[k];
}

/**
 * Measure; null when the inclusion has no Li in this frame.
 *
 * (The steps are small functions of their own: as one function of ~4 kB of bytecode, called a few
 * times per frame, V8 compiled it four times in a 250-frame run — each time its loops had run
 * hot, then de-optimised at the first line not yet run — for ≈ 0.6 s of compiler time, more than
 * the measurements themselves took.)
 */
export function measureInclusion(inp: MeasureInput): InclusionMeasurement | null {
  const { cw, ch, darkening: D } = inp;
  // 1. pixels
  const px = gatherPixels(inp);
  const { pu, pv, pd } = px;
  if (pu.length < 3) return null;
  // 2. axis
  const ax = axisOf(pu, pv, pd);
  if (!ax) return null;
  const { cu, cv, tu, tv, nu, nv, sMin, sMax, halfW } = ax;
  // 3. profile
  const s0 = Math.floor(sMin) - 5;
  const nS = Math.ceil((sMax + 5 - s0) / DS) + 1;
  const p = axialProfile(D, cw, ch, cu, cv, tu, tv, nu, nv, s0, nS);
  const jIn0 = Math.max(0, Math.round((sMin - s0) / DS)), jIn1 = Math.min(nS - 1, Math.round((sMax - s0) / DS));
  const c = percentile(p.subarray(jIn0, jIn1 + 1), 0.9);
  if (!(c > 0) || !(c > 2 * inp.thresholdRel)) return null;
  const T = 0.5 * c;
  const runs = runsAbove(p, T);
  if (!runs.length) return null;
  const sOf = (j: number) => s0 + j * DS;
  const body = bodyRun(runs, p, s0, inp.previousBody, cu, cv, tu, tv);
  // 4. ends
  const [bj, bk] = runs[body];
  const eBack0 = bj > 0 ? cross(p, s0, T, bj - 1, bj) : sOf(bj);
  const eFront0 = bk < nS - 1 ? cross(p, s0, T, bk, bk + 1) : sOf(bk);
  let sBack = refineEnd(p, s0, eBack0, -1);
  let sFront = refineEnd(p, s0, eFront0, 1);
  // 6. emptied crack (before the ends are refined: its contrast enters the end model)
  const { cDep, depleted } = emptiedCrack(inp, px, ax, T, runs, s0);
  // 4b. the end from a local 2-D model that follows the crack's width (endModelFit.ts): the
  // half-level crossing reads short where the Li ends in the narrowing tip of its crack. The
  // emptied crack's contrast (step 6, above) is the model's contrast beyond a Li end.
  if (inp.endModel !== false) {
    const fit = (sEnd: number, dir: 1 | -1) =>
      fitInclusionEnd({
        D, cw, ch, end: [cu + sEnd * tu, cv + sEnd * tv], out: [dir * tu, dir * tv], normal: [nu, nv], contrast: c, halfWidthPx: halfW,
        crackContrast: Number.isFinite(cDep) ? cDep : undefined,
      });
    const fb = fit(sBack, -1), ff = fit(sFront, 1);
    if (fb) sBack -= fb.shiftPx;
    if (ff) sFront += ff.shiftPx;
  }
  // 5. Li area and centroid
  const li = liArea(pu, pv, pd, c, cu, cv, tu, tv, sBack, sFront);
  if (li.area === 0) return null;
  // patches: the other runs
  let nPatches = 0, fromTip = Infinity, fromBack = Infinity;
  runs.forEach(([j, k], idx) => {
    if (idx === body) return;
    nPatches++;
    const a = sOf(j), b = sOf(k);
    if (b < sBack) { fromTip = Math.min(fromTip, Math.max(0, a - sMin)); fromBack = Math.min(fromBack, sBack - b); }
    else { fromTip = Math.min(fromTip, Math.max(0, sMax - b)); fromBack = Math.min(fromBack, a - sFront); }
  });
  const pt = (s: number): [number, number] => [cu + s * tu, cv + s * tv];
  return {
    back: pt(sBack), front: pt(sFront), centroid: [li.wu / li.wsum, li.wv / li.wsum], areaPx2: li.area, lengthPx: sFront - sBack,
    axis: [tu, tv], origin: [cu, cv], sBack, sFront, sMin, sMax, halfWidthPx: halfW, liContrastRel: c, depletedContrastRel: cDep,
    depletedAreaPx2: depleted, patchAreaPx2: li.patchArea, nPatches,
    patchFromTipPx: nPatches ? fromTip : NaN, patchFromBackPx: nPatches ? fromBack : NaN,
  };
}

interface Pixels { pu: number[]; pv: number[]; pd: number[] }
interface Axis { cu: number; cv: number; tu: number; tv: number; nu: number; nv: number; sMin: number; sMax: number; halfW: number }

/** 1. The inclusion's pixels (u, v, darkening): those of its regions within the box. */
function gatherPixels(inp: MeasureInput): Pixels {
  const { cw, darkening: D, labels, labelSet, box } = inp;
  const pu: number[] = [], pv: number[] = [], pd: number[] = [];
  for (let v = box.vMin; v <= box.vMax; v++) {
    for (let u = box.uMin; u <= box.uMax; u++) {
      const i = v * cw + u;
      if (labelSet.has(labels[i])) { pu.push(u); pv.push(v); pd.push(D[i]); }
    }
  }
  return { pu, pv, pd };
}

/** 2. Axis: weighted PCA of the pixels above half the 95th-percentile darkening; extent along and across it. */
function axisOf(pu: number[], pv: number[], pd: number[]): Axis | null {
  const d95 = percentile(pd, 0.95);
  let sw = 0, su = 0, sv = 0;
  for (let k = 0; k < pu.length; k++) if (pd[k] >= 0.5 * d95) { sw += pd[k]; su += pd[k] * pu[k]; sv += pd[k] * pv[k]; }
  if (!(sw > 0)) return null;
  const cu = su / sw, cv = sv / sw;
  let cuu = 0, cvv = 0, cuv = 0;
  for (let k = 0; k < pu.length; k++) {
    if (pd[k] < 0.5 * d95) continue;
    const du = pu[k] - cu, dv = pv[k] - cv;
    cuu += pd[k] * du * du; cvv += pd[k] * dv * dv; cuv += pd[k] * du * dv;
  }
  const ang = 0.5 * Math.atan2(2 * cuv, cuu - cvv);
  let tu = Math.cos(ang), tv = Math.sin(ang);
  if (tv < -1e-9 || (Math.abs(tv) <= 1e-9 && tu < 0)) { tu = -tu; tv = -tv; }
  const nu = -tv, nv = tu;
  let sMin = Infinity, sMax = -Infinity, halfW = 0;
  for (let k = 0; k < pu.length; k++) {
    const s = (pu[k] - cu) * tu + (pv[k] - cv) * tv;
    const r = Math.abs((pu[k] - cu) * nu + (pv[k] - cv) * nv);
    if (s < sMin) sMin = s;
    if (s > sMax) sMax = s;
    if (pd[k] >= 0.5 * d95 && r > halfW) halfW = r;
  }
  return { cu, cv, tu, tv, nu, nv, sMin, sMax, halfW };
}

/** 3. The darkening along the axis, averaged across ±1 px (bilinear, 5 samples), every DS from s0. */
function axialProfile(D: Float32Array, cw: number, ch: number, cu: number, cv: number, tu: number, tv: number, nu: number, nv: number, s0: number, nS: number): Float64Array {
  const p = new Float64Array(nS);
  for (let j = 0; j < nS; j++) {
    const s = s0 + j * DS;
    let acc = 0;
    for (const r of [-1, -0.5, 0, 0.5, 1]) acc += bilinear(D, cw, ch, cu + s * tu + r * nu, cv + s * tv + r * nv);
    p[j] = acc / 5;
  }
  return p;
}

/** Runs [j, k] of p ≥ T at least 1 px long. */
function runsAbove(p: Float64Array, T: number): Array<[number, number]> {
  const nS = p.length;
  const runs: Array<[number, number]> = [];
  for (let j = 0; j < nS; j++) {
    if (p[j] < T) continue;
    let k = j;
    while (k + 1 < nS && p[k + 1] >= T) k++;
    if ((k - j + 1) * DS >= 1) runs.push([j, k]);
    j = k;
  }
  return runs;
}

/** The main body: the run overlapping the previous frame's body most (nearest without overlap), else the one of most Li. */
function bodyRun(runs: Array<[number, number]>, p: Float64Array, s0: number, pb: MeasureInput['previousBody'], cu: number, cv: number, tu: number, tv: number): number {
  const sOf = (j: number) => s0 + j * DS;
  let body = 0;
  if (pb) {
    const a = (pb.back[0] - cu) * tu + (pb.back[1] - cv) * tv, b = (pb.front[0] - cu) * tu + (pb.front[1] - cv) * tv;
    const lo = Math.min(a, b), hi = Math.max(a, b);
    let best = -Infinity;
    runs.forEach(([j, k], idx) => {
      const ov = Math.min(hi, sOf(k)) - Math.max(lo, sOf(j));
      const score = ov > 0 ? ov : ov - 1e3; // no overlap: nearest run
      if (score > best) { best = score; body = idx; }
    });
  } else {
    let best = -Infinity;
    runs.forEach(([j, k], idx) => {
      let m = 0;
      for (let q = j; q <= k; q++) m += p[q];
      if (m > best) { best = m; body = idx; }
    });
  }
  return body;
}

/** Where p crosses T between samples j and k. */
function cross(p: Float64Array, s0: number, T: number, j: number, k: number): number {
  return s0 + j * DS + (DS * (p[j] - T)) / (p[j] - p[k]);
}

/** Mean of p over [sa, sb]. */
function meanOver(p: Float64Array, s0: number, sa: number, sb: number): number {
  const nS = p.length;
  let acc = 0, n = 0;
  for (let j = Math.max(0, Math.ceil((sa - s0) / DS)); j <= Math.min(nS - 1, Math.floor((sb - s0) / DS)); j++) { acc += p[j]; n++; }
  return n ? acc / n : 0;
}

/**
 * 4. An end refined to where p crosses the mean of its levels 2–3 px inside and outside; dir = +1:
 * Li at smaller s (front end), −1: Li at larger s (back end).
 */
function refineEnd(p: Float64Array, s0: number, e: number, dir: 1 | -1): number {
  const nS = p.length;
  const pin = dir > 0 ? meanOver(p, s0, e - 3, e - 2) : meanOver(p, s0, e + 2, e + 3);
  const pout = dir > 0 ? meanOver(p, s0, e + 2, e + 3) : meanOver(p, s0, e - 3, e - 2);
  const L = 0.5 * (pin + pout);
  let best = e, bestDist = Infinity;
  for (let j = Math.max(0, Math.floor((e - 2 - s0) / DS)); j < Math.min(nS - 1, Math.ceil((e + 2 - s0) / DS)); j++) {
    const a = p[j] - L, b = p[j + 1] - L;
    if ((a >= 0) === (b >= 0)) continue;
    if (dir > 0 && !(a >= 0 && b < 0)) continue;
    if (dir < 0 && !(a < 0 && b >= 0)) continue;
    const s = s0 + j * DS + (DS * a) / (a - b);
    if (Math.abs(s - e) < bestDist) { bestDist = Math.abs(s - e); best = s; }
  }
  return best;
}

/**
 * 6. The emptied crack: its contrast (median darkening of its core: ≥ 2 px inside its edges and
 * ≥ 3 px from its tips, farther than 2 px from any Li) and its area (darkening integrated over it
 * ÷ that contrast; within 2 px of the Li, pixels beyond a Li end count up to the contrast).
 */
function emptiedCrack(inp: MeasureInput, px: Pixels, ax: Axis, T: number, runs: Array<[number, number]>, s0: number): { cDep: number; depleted: number } {
  const { cw, darkeningBlurred: Db, box } = inp;
  const { pu, pv, pd } = px;
  const { cu, cv, tu, tv, nu, nv, sMin, sMax, halfW } = ax;
  const sOf = (j: number) => s0 + j * DS;
  const bw = box.uMax - box.uMin + 1, bh = box.vMax - box.vMin + 1;
  const li = new Uint8Array(bw * bh);
  for (let k = 0; k < pu.length; k++) if (pd[k] >= T) li[(pv[k] - box.vMin) * bw + (pu[k] - box.uMin)] = 1;
  let depletedSum = 0;
  const dep: number[] = [];
  const rimBeyondEnds: number[] = [];
  for (let k = 0; k < pu.length; k++) {
    if (pd[k] >= T || Db[pv[k] * cw + pu[k]] < inp.thresholdRel) continue;
    const lu = pu[k] - box.uMin, lv = pv[k] - box.vMin;
    let near = false;
    for (let dv = -2; dv <= 2 && !near; dv++) {
      const y = lv + dv;
      if (y < 0 || y >= bh) continue;
      for (let du = -2; du <= 2; du++) {
        const x = lu + du;
        if (x >= 0 && x < bw && li[y * bw + x]) { near = true; break; }
      }
    }
    const sk = (pu[k] - cu) * tu + (pv[k] - cv) * tv;
    const rk = Math.abs((pu[k] - cu) * nu + (pv[k] - cv) * nv);
    if (!near) {
      depletedSum += pd[k];
      if (rk <= Math.max(1, halfW - 2) && sk >= sMin + 3 && sk <= sMax - 3) dep.push(pd[k]);
    } else if (rk <= halfW && !runs.some(([a, b]) => sk >= sOf(a) && sk <= sOf(b))) rimBeyondEnds.push(k);
  }
  const cDep = dep.length >= 8 ? percentile(dep, 0.5) : NaN;
  // The Li blur hides the emptied crack within 2 px beyond a Li end: there a pixel counts as
  // emptied crack up to the crack's own contrast.
  for (const k of rimBeyondEnds) depletedSum += Math.min(pd[k], Number.isFinite(cDep) ? cDep : 0);
  const depleted = cDep > 2 * inp.thresholdRel / 3 ? Math.max(0, depletedSum / cDep) : 0;
  return { cDep, depleted };
}

/**
 * 5. Li area (soft coverage: 0 below c/4, 1 above 3c/4, ½ at the half-contrast edge — less pixel
 * flicker than a hard count; the emptied crack, ≈ c/4 and below, contributes nothing), its
 * weighted centroid sums, and the part of it more than 1 px beyond the body's ends (patches).
 */
function liArea(pu: number[], pv: number[], pd: number[], c: number, cu: number, cv: number, tu: number, tv: number, sBack: number, sFront: number): { area: number; patchArea: number; wsum: number; wu: number; wv: number } {
  let area = 0, patchArea = 0, wsum = 0, wu = 0, wv = 0;
  for (let k = 0; k < pu.length; k++) {
    const w = Math.min(1, Math.max(0, (pd[k] - 0.25 * c) / (0.5 * c)));
    if (w <= 0) continue;
    area += w;
    wsum += w; wu += w * pu[k]; wv += w * pv[k];
    const s = (pu[k] - cu) * tu + (pv[k] - cv) * tv;
    if (s < sBack - 1 || s > sFront + 1) patchArea += w;
  }
  return { area, patchArea, wsum, wu, wv };
}
