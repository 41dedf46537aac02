/**
 * Render one frame of a scene.
 *
 *   1. ideal image: crystal background (illumination gradient fixed to the camera × static
 *      texture fixed to the sample) times (1 − D), where D is the area-weighted darkening of the
 *      sample shapes under each pixel: every pixel touched by a shape is supersampled n×n and
 *      each sub-sample takes the darkening of the darkest shape covering it (electrode, Li
 *      crack, Li inclusion, depleted crack, dust); polishing scratches multiply on top;
 *   2. focus blur: separable Gaussian PSF (σ px, edges clamped);
 *   3. lamp gain (flicker), sensor noise N(0, σ²) seeded per frame, rounding to 8 or 16 bit.
 * The stage drift d displaces the whole sample: sub-sample (x, y) looks at sample (x − dx, y − dy).
 */
import { createPrng } from './prng.js';
import type { Scene } from './buildScene.js';
import { valueNoise } from './valueNoise.js';

interface Shape {
  /** Image-pixel box (inclusive) where the shape may be non-zero. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  dark: number;
  /** Darkening at sample (u, v), 0 outside. */
  at(u: number, v: number): number;
  /** Optional: true if the whole pixel centred at (u, v) is inside with darkening `dark`. */
  covers?(u: number, v: number): boolean;
}

/** The ideal (noise-free, unblurred, gain 1) image of frame `index`: gray levels, 8-bit scale. */
export function renderIdealFrame(scene: Scene, index: number): Float32Array {
  const sc = scene.scenario;
  const { width_px: W, height_px: H } = sc.frame;
  const t = scene.clock.timesS[index];
  const dx = scene.motion.driftXPx[index];
  const dy = scene.motion.driftYPx[index];
  const fr = scene.frame;
  const ss = sc.render.supersample;

  const box = (u0: number, u1: number, v0: number, v1: number) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const u of [u0, u1])
      for (const v of [v0, v1]) {
        const [x, y] = fr.toImage(u, v);
        xs.push(x + dx);
        ys.push(y + dy);
      }
    return {
      x0: Math.max(0, Math.floor(Math.min(...xs)) - 1),
      x1: Math.min(W - 1, Math.ceil(Math.max(...xs)) + 1),
      y0: Math.max(0, Math.floor(Math.min(...ys)) - 1),
      y1: Math.min(H - 1, Math.ceil(Math.max(...ys)) + 1),
    };
  };

  const shapes: Shape[] = [];
  const iface = scene.iface;
  const minDepth = 2 * iface.meanDepthPx - iface.maxDepthPx;
  if (scene.electrodeDark > 0 && iface.maxDepthPx > -1) {
    const ed = scene.electrodeDark;
    shapes.push({
      ...box(-1e5, iface.maxDepthPx + 1, -1e5, 1e5),
      dark: ed,
      at: (u, v) => (u < iface.depthPx(v) ? ed : 0),
      covers: (u) => u + 0.75 < minDepth,
    });
  }
  for (const d of scene.dendrites) {
    for (const lf of [{ leaf: d.leaf, dark: d.dark }, ...d.branches]) {
      const g = lf.leaf.geometryAt(t);
      if (!g) continue;
      const [u0, u1, v0, v1] = lf.leaf.bounds(g, 1);
      const dk = lf.dark;
      shapes.push({ ...box(u0, u1, v0, v1), dark: dk, at: (u, v) => (lf.leaf.contains(g, u, v) ? dk : 0) });
    }
  }
  for (const inc of scene.inclusions) {
    const st = inc.shape.stateAt(t);
    const [u0, u1, v0, v1] = inc.shape.bounds(st, 1);
    const { dark, depletedDark } = inc;
    shapes.push({
      ...box(u0, u1, v0, v1),
      dark: Math.max(dark, depletedDark),
      at: (u, v) => {
        const c = inc.shape.classify(st, u, v);
        return c === 2 ? dark : c === 1 ? depletedDark : 0;
      },
    });
  }
  for (const p of scene.dust) {
    const r2 = p.radiusPx * p.radiusPx;
    shapes.push({
      ...box(p.u - p.radiusPx - 1, p.u + p.radiusPx + 1, p.v - p.radiusPx - 1, p.v + p.radiusPx + 1),
      dark: p.dark,
      at: (u, v) => ((u - p.u) ** 2 + (v - p.v) ** 2 <= r2 ? p.dark : 0),
    });
  }

  const D = new Float32Array(W * H);
  const inv = 1 / (ss * ss);
  const cand: Shape[] = [];
  for (let y = 0; y < H; y++) {
    const rowShapes = shapes.filter((s) => y >= s.y0 && y <= s.y1);
    if (rowShapes.length === 0) continue;
    for (let x = 0; x < W; x++) {
      cand.length = 0;
      let maxDark = 0;
      for (const s of rowShapes)
        if (x >= s.x0 && x <= s.x1) {
          cand.push(s);
          if (s.dark > maxDark) maxDark = s.dark;
        }
      if (cand.length === 0) continue;
      const [uc, vc] = fr.toEdge(x - dx, y - dy);
      const full = cand.find((s) => s.dark >= maxDark && s.covers?.(uc, vc));
      if (full) {
        D[y * W + x] = full.dark;
        continue;
      }
      let acc = 0;
      for (let j = 0; j < ss; j++) {
        const ys = y + (j + 0.5) / ss - 0.5 - dy;
        for (let i = 0; i < ss; i++) {
          const xs = x + (i + 0.5) / ss - 0.5 - dx;
          const [u, v] = fr.toEdge(xs, ys);
          let dmax = 0;
          for (const s of cand) {
            if (s.dark <= dmax) continue;
            const dk = s.at(u, v);
            if (dk > dmax) dmax = dk;
          }
          acc += dmax;
        }
      }
      D[y * W + x] = acc * inv;
    }
  }

  const bg = sc.scene.background;
  const gx = bg.gradient_x_pct / 100;
  const gy = bg.gradient_y_pct / 100;
  const tex = bg.texture_pct / 100;
  const texSeed = (sc.seed * 2654435761) | 0;
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const fy = H > 1 ? y / (H - 1) - 0.5 : 0;
    for (let x = 0; x < W; x++) {
      const fx = W > 1 ? x / (W - 1) - 0.5 : 0;
      let b = bg.level * (1 + gx * fx + gy * fy);
      if (tex > 0) b *= 1 + tex * valueNoise(texSeed, x - dx, y - dy, bg.texture_scale_px);
      let m = 1 - D[y * W + x];
      for (const l of scene.scratches) {
        const [u, v] = fr.toEdge(x - dx, y - dy);
        const dist = Math.abs((u - l.u) * l.nu + (v - l.v) * l.nv);
        const cov = Math.min(1, Math.max(0, l.halfWidthPx + 0.5 - dist));
        if (cov > 0 && u > iface.depthPx(v)) m *= 1 - l.dark * Math.min(cov, 2 * l.halfWidthPx);
      }
      out[y * W + x] = b * m;
    }
  }
  return out;
}

/** Separable Gaussian blur with clamped edges (in place result returned). */
export function gaussianBlur(img: Float32Array, W: number, H: number, sigmaPx: number): Float32Array {
  if (sigmaPx <= 0) return img;
  const r = Math.max(1, Math.ceil(3.5 * sigmaPx));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    k[i + r] = Math.exp((-0.5 * i * i) / (sigmaPx * sigmaPx));
    sum += k[i + r];
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float32Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let a = 0;
      for (let i = -r; i <= r; i++) a += k[i + r] * img[y * W + Math.min(W - 1, Math.max(0, x + i))];
      tmp[y * W + x] = a;
    }
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let a = 0;
      for (let i = -r; i <= r; i++) a += k[i + r] * tmp[Math.min(H - 1, Math.max(0, y + i)) * W + x];
      out[y * W + x] = a;
    }
  return out;
}

/**
 * The recorded frame `index`: blur, gain, noise, rounding.
 * @param bitDepth 8 → Uint8Array (0–255), 16 → Uint16Array (gray level × 257)
 */
export function renderFrame(scene: Scene, index: number, bitDepth: 8 | 16 = 8): Uint8Array | Uint16Array {
  const sc = scene.scenario;
  const { width_px: W, height_px: H } = sc.frame;
  const img = gaussianBlur(renderIdealFrame(scene, index), W, H, sc.optics.blur_sigma_px);
  const g = scene.motion.gain[index];
  const sigma = sc.optics.noise_sigma;
  const rng = createPrng(sc.seed, 'noise', index);
  const scale = bitDepth === 16 ? 257 : 1;
  const max = bitDepth === 16 ? 65535 : 255;
  const out = bitDepth === 16 ? new Uint16Array(W * H) : new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) {
    const v = (img[i] * g + (sigma > 0 ? sigma * rng.normal() : 0)) * scale;
    out[i] = Math.min(max, Math.max(0, Math.round(v)));
  }
  return out;
}
