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
import { createPrng, normalQuantileTable } from './prng.js';
import type { Scene } from './buildScene.js';

/** Radius of the disc that contains a pixel (half its diagonal, rounded up). */
const PIXEL_RADIUS = 0.71;

interface Shape {
  /** Image-pixel box (inclusive) where the shape may be non-zero. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  dark: number;
  /** Darkening at sample (u, v), 0 outside. */
  at(u: number, v: number): number;
  /**
   * Optional: 1 if the whole pixel centred at (u, v) is inside (darkening `dark`), 0 if it is
   * wholly outside, −1 if it may be cut by the boundary (then it is supersampled).
   */
  pixelState?(u: number, v: number): 1 | 0 | -1;
}

/** The ideal (noise-free, unblurred, gain 1) image of frame `index`: gray levels, 8-bit scale. */
export function renderIdealFrame(scene: Scene, index: number): Float32Array {
  const n = scene.scenario.frame.width_px * scene.scenario.frame.height_px;
  return renderIdealInto(scene, index, new Float32Array(n), new Float32Array(n));
}

/** Scratch buffers reused by renderFrame (one frame size at a time; JS is single-threaded). */
const scratch: { n: number; bufs: Float32Array[] } = { n: 0, bufs: [] };
function scratchBuffers(n: number): Float32Array[] {
  if (scratch.n !== n) {
    scratch.n = n;
    scratch.bufs = [0, 1, 2, 3].map(() => new Float32Array(n));
  }
  return scratch.bufs;
}

/** renderIdealFrame into caller-owned buffers: `out` receives the image, `D` is scratch. */
function renderIdealInto(scene: Scene, index: number, out: Float32Array, D: Float32Array): Float32Array {
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
    // Interface depth at every sub-sample position along the edge of this frame (a regular grid).
    const horizontal = fr.edge === 'top' || fr.edge === 'bottom';
    const off = 0.5 / ss - 0.5 - (horizontal ? dx : dy);
    const K = fr.alongPx * ss;
    const table = new Float64Array(K);
    for (let k = 0; k < K; k++) table[k] = iface.depthPx(k / ss + off);
    shapes.push({
      ...box(-1e5, iface.maxDepthPx + 1, -1e5, 1e5),
      dark: ed,
      at: (u, v) => {
        const k = Math.round((v - off) * ss);
        return u < (k >= 0 && k < K ? table[k] : iface.depthPx(v)) ? ed : 0;
      },
      pixelState: (u) => (u + PIXEL_RADIUS < minDepth ? 1 : -1),
    });
  }
  for (const d of scene.dendrites) {
    for (const lf of [{ leaf: d.leaf, dark: d.dark }, ...d.branches]) {
      const g = lf.leaf.geometryAt(t);
      if (!g) continue;
      const [u0, u1, v0, v1] = lf.leaf.bounds(g, 1);
      const dk = lf.dark;
      shapes.push({
        ...box(u0, u1, v0, v1),
        dark: dk,
        at: (u, v) => (lf.leaf.contains(g, u, v) ? dk : 0),
        pixelState: (u, v) => lf.leaf.discState(g, u, v, PIXEL_RADIUS),
      });
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
      pixelState: (u, v) => {
        const d = Math.hypot(u - p.u, v - p.v);
        return d > p.radiusPx + PIXEL_RADIUS ? 0 : d < p.radiusPx - PIXEL_RADIUS ? 1 : -1;
      },
    });
  }

  D.fill(0);
  const A = fr.affine;
  const inv = 1 / (ss * ss);
  const cand: Shape[] = new Array<Shape>(shapes.length);
  for (let y = 0; y < H; y++) {
    const rowShapes = shapes.filter((s) => y >= s.y0 && y <= s.y1);
    if (rowShapes.length === 0) continue;
    for (let x = 0; x < W; x++) {
      const uc = A.ux * (x - dx) + A.uy * (y - dy) + A.u0;
      const vc = A.vx * (x - dx) + A.vy * (y - dy) + A.v0;
      // Candidates: shapes whose box holds the pixel and that do not wholly miss it.
      let nc = 0;
      let fullDark = 0;
      let maxDark = 0;
      for (const s of rowShapes) {
        if (x < s.x0 || x > s.x1) continue;
        const st = s.pixelState ? s.pixelState(uc, vc) : -1;
        if (st === 0) continue;
        if (st === 1 && s.dark > fullDark) fullDark = s.dark;
        if (s.dark > maxDark) maxDark = s.dark;
        cand[nc++] = s;
      }
      if (nc === 0) continue;
      if (fullDark >= maxDark) {
        D[y * W + x] = fullDark; // a wholly covering shape is the darkest one here
        continue;
      }
      let acc = 0;
      for (let j = 0; j < ss; j++) {
        const ys = y + (j + 0.5) / ss - 0.5 - dy;
        for (let i = 0; i < ss; i++) {
          const xs = x + (i + 0.5) / ss - 0.5 - dx;
          const u = A.ux * xs + A.uy * ys + A.u0;
          const v = A.vx * xs + A.vy * ys + A.v0;
          let dmax = 0;
          for (let q = 0; q < nc; q++) {
            const s = cand[q];
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
  const T = scene.texture;
  // Texture moves with the sample: bilinear look-up of the precomputed grid at (x − dx, y − dy).
  const fdx = Math.floor(dx);
  const fdy = Math.floor(dy);
  const ax = dx - fdx;
  const ay = dy - fdy;
  const scrMinU = iface.maxDepthPx;
  for (let y = 0; y < H; y++) {
    const fy = H > 1 ? y / (H - 1) - 0.5 : 0;
    for (let x = 0; x < W; x++) {
      const fx = W > 1 ? x / (W - 1) - 0.5 : 0;
      let b = bg.level * (1 + gx * fx + gy * fy);
      if (T && tex > 0) {
        // sample position x − dx = (x − fdx − 1) + (1 − ax)
        const i0 = x - fdx - 1 - T.x0;
        const j0 = y - fdy - 1 - T.y0;
        const p = j0 * T.w + i0;
        const t00 = T.data[p];
        const t10 = T.data[p + 1];
        const t01 = T.data[p + T.w];
        const t11 = T.data[p + T.w + 1];
        const wx = 1 - ax;
        const wy = 1 - ay;
        b *= 1 + tex * (t00 * (1 - wx) * (1 - wy) + t10 * wx * (1 - wy) + t01 * (1 - wx) * wy + t11 * wx * wy);
      }
      let m = 1 - D[y * W + x];
      if (scene.scratches.length > 0) {
        const u = A.ux * (x - dx) + A.uy * (y - dy) + A.u0;
        const v = A.vx * (x - dx) + A.vy * (y - dy) + A.v0;
        for (const l of scene.scratches) {
          const dist = Math.abs((u - l.u) * l.nu + (v - l.v) * l.nv);
          const cov = Math.min(1, Math.max(0, l.halfWidthPx + 0.5 - dist));
          if (cov > 0 && (u > scrMinU + 1 || u > iface.depthPx(v))) m *= 1 - l.dark * Math.min(cov, 2 * l.halfWidthPx);
        }
      }
      out[y * W + x] = b * m;
    }
  }
  return out;
}

/**
 * Separable Gaussian blur with clamped edges.
 * @param tmp, out optional scratch and result buffers (length W·H); allocated if absent
 * @returns the blurred image (`img` itself when σ = 0)
 */
export function gaussianBlur(img: Float32Array, W: number, H: number, sigmaPx: number, tmp: Float32Array = new Float32Array(W * H), out: Float32Array = new Float32Array(W * H)): Float32Array {
  if (sigmaPx <= 0) return img;
  const r = Math.max(1, Math.ceil(3.5 * sigmaPx));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    k[i + r] = Math.exp((-0.5 * i * i) / (sigmaPx * sigmaPx));
    sum += k[i + r];
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) {
      let a = 0;
      if (x >= r && x < W - r) for (let i = -r; i <= r; i++) a += k[i + r] * img[row + x + i];
      else for (let i = -r; i <= r; i++) a += k[i + r] * img[row + Math.min(W - 1, Math.max(0, x + i))];
      tmp[row + x] = a;
    }
  }
  // Vertical pass row by row (contiguous memory access).
  out.fill(0);
  for (let y = 0; y < H; y++) {
    const o = y * W;
    for (let i = -r; i <= r; i++) {
      const src = Math.min(H - 1, Math.max(0, y + i)) * W;
      const w = k[i + r];
      for (let x = 0; x < W; x++) out[o + x] += w * tmp[src + x];
    }
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
  const [b0, b1, b2, b3] = scratchBuffers(W * H);
  const img = gaussianBlur(renderIdealInto(scene, index, b0, b1), W, H, sc.optics.blur_sigma_px, b2, b3);
  const g = scene.motion.gain[index];
  const sigma = sc.optics.noise_sigma;
  const rng = createPrng(sc.seed, 'noise', index);
  const scale = bitDepth === 16 ? 257 : 1;
  const max = bitDepth === 16 ? 65535 : 255;
  const out = bitDepth === 16 ? new Uint16Array(W * H) : new Uint8Array(W * H);
  const nq = normalQuantileTable();
  const n = W * H;
  for (let i = 0; i < n; i += 2) {
    // two N(0,1) draws from one 32-bit word (16 bits each)
    const bits = sigma > 0 ? rng.uint32() : 0;
    const v0 = (img[i] * g + (sigma > 0 ? sigma * nq[bits >>> 16] : 0)) * scale;
    out[i] = Math.min(max, Math.max(0, Math.round(v0)));
    if (i + 1 < n) {
      const v1 = (img[i + 1] * g + (sigma > 0 ? sigma * nq[bits & 0xffff] : 0)) * scale;
      out[i + 1] = Math.min(max, Math.max(0, Math.round(v1)));
    }
  }
  return out;
}
