/**
 * Headless rendering of a Vega-Lite spec: compile with vega-lite, render with a vega View
 * (renderer "none", no canvas, no DOM) to SVG, and rasterise the SVG with sharp (librsvg) to a
 * PNG of an exact physical width at 300 dpi.
 */
import { loadSharp } from '../core/lazySharp.js';
import type { TopLevelSpec } from 'vega-lite';
import type { VlSpec } from './vlSpec.js';

// vega, vega-lite and sharp are loaded on first use: importing them costs ~1 s, which every
// `lidtrack` command would otherwise pay at start-up, figures or not.
let libs: Promise<{ vega: typeof import('vega'); vl: typeof import('vega-lite') }> | null = null;
const loadVega = () => (libs ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, vl })));

/** Vega-Lite → SVG text (deterministic for a given spec and library version). */
export async function renderSvg(spec: VlSpec | TopLevelSpec): Promise<string> {
  const { vega, vl } = await loadVega();
  const logger = vega.logger(vega.Error);
  const compiled = vl.compile(spec as unknown as TopLevelSpec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Width and height of an SVG from its root attributes [user units = pt; a "pt" suffix is allowed]. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const w = Number(/\swidth="([\d.]+)(?:pt)?"/.exec(root)?.[1]);
  const h = Number(/\sheight="([\d.]+)(?:pt)?"/.exec(root)?.[1]);
  if (!(w > 0 && h > 0)) throw new Error('SVG root has no positive width/height');
  return { width: w, height: h };
}

/**
 * Give the SVG root a physical size: width/height in pt (the viewBox keeps the drawing), so
 * Inkscape, Illustrator and journals' tools place an 85 mm figure at 85 mm (unitless sizes
 * are read as 96-dpi pixels, 25 % too small).
 */
export function physicalSvg(svg: string): string {
  const { width, height } = svgSize(svg);
  return svg.replace(/<svg\b[^>]*>/, (root) =>
    root.replace(/\swidth="[\d.]+(?:pt)?"/, ` width="${width}pt"`).replace(/\sheight="[\d.]+(?:pt)?"/, ` height="${height}pt"`),
  );
}

/**
 * Rasterise an SVG whose user unit is the point to a PNG `widthMm` wide at `dpi`, tagged with
 * that resolution (pHYs). Text uses fontconfig's resolution of the generic family.
 * @param svg SVG text
 * @param widthMm physical width of the figure [mm]
 * @param dpi resolution [dots per inch], default 300
 */
export async function svgToPng(svg: string, widthMm: number, dpi = 300): Promise<Buffer> {
  const { width } = svgSize(svg);
  const targetPx = Math.round((widthMm / 25.4) * dpi);
  // librsvg renders 1 user unit at density/72 px; choose the density that hits the exact width.
  const density = (targetPx * 72) / width;
  const sharp = await loadSharp();
  return sharp(Buffer.from(svg), { density })
    .resize({ width: targetPx })
    .flatten({ background: '#ffffff' })
    .png({ compressionLevel: 9 })
    .withMetadata({ density: dpi })
    .toBuffer();
}

/**
 * Make the ids of an SVG unique before inlining several into one HTML page (vega numbers its
 * clip paths and gradients from 1 in every SVG, and duplicate ids would cross-link figures).
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]);
  let out = svg;
  for (const id of ids) {
    const esc = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out
      .replace(new RegExp(`\\sid="${esc}"`, 'g'), ` id="${prefix}${id}"`)
      .replace(new RegExp(`url\\(#${esc}\\)`, 'g'), `url(#${prefix}${id})`)
      .replace(new RegExp(`href="#${esc}"`, 'g'), `href="#${prefix}${id}"`);
  }
  return out;
}
