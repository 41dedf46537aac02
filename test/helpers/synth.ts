/**
 * A tiny independent frame synthesiser for unit tests of segment/track (the full renderer is
 * src/render). Canonical scene: electrode on top, dark; dendrites are dark wedges ("leaves")
 * from the interface down to a tip; 4×4 supersampled coverage, separable Gaussian blur, seeded
 * Gaussian noise. Truth: the tip is the wedge's apex (farthest point from the interface).
 */
import { mulberry32 } from './rng.js';

export interface SynthDendrite {
  /** Base centre column [px]. */
  baseU: number;
  /** Tip position (canonical u, v) [px]. */
  tipU: number;
  tipV: number;
  /** Half-width at the base [px]. */
  halfWidthPx: number;
}

export interface SynthScene {
  cw: number;
  ch: number;
  interfaceV: number;
  crystal: number;
  electrode: number;
  /** Relative darkening of a crack core. */
  contrast: number;
  psfSigmaPx: number;
  noiseSigma: number;
  seed: number;
  /** Static dark dust spots (u, v, radius) not touching the interface. */
  dust?: Array<[number, number, number]>;
}

function inWedge(u: number, v: number, d: SynthDendrite, iv: number): boolean {
  // wedge: from (baseU, iv-2) to (tipU, tipV); half-width linear from halfWidth at base to 0 at tip
  const ax = d.baseU, ay = iv - 2, bx = d.tipU, by = d.tipV;
  const dx = bx - ax, dy = by - ay;
  const L2 = dx * dx + dy * dy;
  const t = ((u - ax) * dx + (v - ay) * dy) / L2;
  if (t < 0 || t > 1) return false;
  const px = ax + t * dx, py = ay + t * dy;
  const dist = Math.hypot(u - px, v - py);
  return dist <= d.halfWidthPx * (1 - t);
}

export function synthFrame(scene: SynthScene, dendrites: SynthDendrite[], frameSeed: number): Uint8Array {
  const { cw, ch } = scene;
  const img = new Float64Array(cw * ch);
  const ss = 4;
  for (let v = 0; v < ch; v++) {
    for (let u = 0; u < cw; u++) {
      let acc = 0;
      for (let a = 0; a < ss; a++) {
        for (let b = 0; b < ss; b++) {
          const uu = u - 0.5 + (b + 0.5) / ss, vv = v - 0.5 + (a + 0.5) / ss;
          const ivv = scene.interfaceV + 1.5 * Math.sin(uu / 9);
          const base = scene.crystal * (1 + 0.1 * (uu / cw - 0.5));
          let val: number;
          if (vv < ivv) val = scene.electrode;
          else {
            val = base;
            let dark = false;
            for (const d of dendrites) if (inWedge(uu, vv, d, ivv)) { dark = true; break; }
            if (!dark && scene.dust) for (const [du, dv, r] of scene.dust) if (Math.hypot(uu - du, vv - dv) <= r) dark = true;
            if (dark) val = base * (1 - scene.contrast);
          }
          acc += val;
        }
      }
      img[v * cw + u] = acc / (ss * ss);
    }
  }
  const blurred = gaussianBlur(img, cw, ch, scene.psfSigmaPx);
  const rnd = mulberry32(scene.seed * 7919 + frameSeed);
  const out = new Uint8Array(cw * ch);
  for (let i = 0; i < out.length; i++) {
    const g = Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
    out[i] = Math.max(0, Math.min(255, Math.round(blurred[i] + scene.noiseSigma * g)));
  }
  return out;
}

export function gaussianBlur(img: Float64Array, w: number, h: number, sigma: number): Float64Array {
  if (sigma <= 0) return img;
  const r = Math.ceil(3 * sigma);
  const k: number[] = [];
  let s = 0;
  for (let i = -r; i <= r; i++) { const x = Math.exp((-0.5 * i * i) / (sigma * sigma)); k.push(x); s += x; }
  for (let i = 0; i < k.length; i++) k[i] /= s;
  const tmp = new Float64Array(w * h), out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let a = 0;
    for (let i = -r; i <= r; i++) a += k[i + r] * img[y * w + Math.min(w - 1, Math.max(0, x + i))];
    tmp[y * w + x] = a;
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let a = 0;
    for (let i = -r; i <= r; i++) a += k[i + r] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
    out[y * w + x] = a;
  }
  return out;
}
