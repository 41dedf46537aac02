/**
 * Reduction of still images (TIFF pages, PNG/JPEG files) to 8-bit gray — the rules quoted in
 * grayConversion.ts. Pure functions over typed arrays.
 */

/** BT.601 luma of interleaved RGB(A) samples: round(0.299 R + 0.587 G + 0.114 B); alpha ignored. */
export function lumaBt601<T extends Uint8Array | Uint16Array>(src: T, channels: number, out: T): T {
  const n = out.length;
  for (let i = 0, j = 0; i < n; i++, j += channels) {
    out[i] = Math.round(0.299 * src[j] + 0.587 * src[j + 1] + 0.114 * src[j + 2]);
  }
  return out;
}

/** A fixed linear map of 16-bit values to 8-bit: lo → 0, hi → 255, clipped. */
export interface DepthMap {
  lo: number;
  hi: number;
  /** Pages (0-based) whose pixels set lo and hi. */
  samplePages: number[];
  /** Percentiles [%] used for lo and hi. */
  percentiles: [number, number];
}

/** Lower and upper percentiles of 16-bit samples that set a stack's 8-bit window. */
export const DEPTH_MAP_PERCENTILES: [number, number] = [0.1, 99.9];
/** Pages sampled (spread evenly over the stack) to set the window. */
export const DEPTH_MAP_SAMPLE_PAGES = 5;

/** Up to `k` page indices spread evenly over 0…n−1, including both ends. */
export function samplePageIndices(n: number, k = DEPTH_MAP_SAMPLE_PAGES): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let j = 0; j < k; j++) out.add(Math.round((j * (n - 1)) / (k - 1)));
  return [...out];
}

/**
 * The 8-bit window of a 16-bit stack from the pooled histogram of sample pages: lo/hi are the
 * DEPTH_MAP_PERCENTILES of all their pixels. One window for the whole stack, so gray levels
 * do not flicker from frame to frame, and a dendrite darkening late in the recording is
 * within the window when the last page is among the samples.
 */
export function depthMapFromSamples(samples: readonly Uint16Array[], samplePages: number[]): DepthMap {
  const hist = new Float64Array(65536);
  let total = 0;
  for (const s of samples) {
    for (let i = 0; i < s.length; i++) hist[s[i]]++;
    total += s.length;
  }
  const [pLo, pHi] = DEPTH_MAP_PERCENTILES;
  const quantile = (q: number): number => {
    const target = q * (total - 1);
    let cum = 0;
    for (let v = 0; v < 65536; v++) {
      cum += hist[v];
      if (cum > target) return v;
    }
    return 65535;
  };
  const lo = quantile(pLo / 100);
  let hi = quantile(pHi / 100);
  if (hi <= lo) hi = Math.min(65535, lo + 1);
  return { lo, hi: hi > lo ? hi : lo + 1, samplePages, percentiles: [pLo, pHi] };
}

/** Lookup table 0…65535 → 0…255 of a DepthMap: round((v − lo)·255/(hi − lo)), clipped. */
export function depthLut(map: DepthMap): Uint8Array {
  const lut = new Uint8Array(65536);
  const scale = 255 / (map.hi - map.lo);
  for (let v = 0; v < 65536; v++) {
    const g = Math.round((v - map.lo) * scale);
    lut[v] = g < 0 ? 0 : g > 255 ? 255 : g;
  }
  return lut;
}

/** Text for VideoInfo.grayConversion of a 16-bit stack. */
export function describeDepthMap(map: DepthMap, colour: boolean): string {
  const rgb = colour ? 'RGB → BT.601 luma round(0.299 R + 0.587 G + 0.114 B), then ' : '';
  return (
    `${rgb}16-bit → 8-bit linear, fixed for the whole stack: gray = clip(round((v − ${map.lo})·255/${map.hi - map.lo})), ` +
    `window ${map.lo}…${map.hi} = ${map.percentiles[0]} / ${map.percentiles[1]} percentiles of pages ${map.samplePages.join(', ')}`
  );
}
