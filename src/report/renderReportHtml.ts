/**
 * report.html: one self-contained page (inline CSS, inline SVG figures, PNGs as data: URIs,
 * no script, no network) with the results table, figures, key frames, kymographs, fitted
 * parameters and provenance. Pure: the same input gives the same bytes.
 */
import type { BranchSummary, FitSummary, InclusionSummary, RunSummary } from './runFolderTypes.js';
import { prefixSvgIds } from './renderFigure.js';
import { formatWithCi, summaryTextRow } from './summaryTable.js';

/** One figure as shown in the report. */
export interface ReportFigure {
  name: string;
  title: string;
  caption: string;
  /** SVG text (inlined). */
  svg: string;
  /** Files of this figure relative to the run folder (linked, not loaded). */
  files: string[];
}

/** A PNG shown inline. */
export interface ReportImage {
  name: string;
  png: Buffer;
}

/** Everything the page shows. */
export interface ReportHtmlInput {
  title: string;
  runDir: string;
  lidtrackVersion: string;
  summary: RunSummary;
  umPerPx: number | null;
  platingEdge: string | null;
  figures: ReportFigure[];
  keyframes: ReportImage[];
  /** Key frames present but not inlined (page size cap). */
  keyframesOmitted: number;
  kymographs: ReportImage[];
  fit: FitSummary | null;
  manifest: Record<string, unknown> | null;
  /** Other files of the run folder to list (relative paths). */
  files: string[];
  /** Parts of the run folder that were malformed and left out. */
  warnings?: string[];
}

/** HTML-escape text. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Flatten nested JSON to [dotted.key, short text] rows for the provenance table. */
export function flattenForDisplay(value: unknown, prefix = '', out: Array<[string, string]> = [], limit = 300): Array<[string, string]> {
  if (out.length >= limit) return out;
  if (value === null || value === undefined || typeof value !== 'object') {
    const s = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    out.push([prefix || '(value)', s.length > 240 ? `${s.slice(0, 237)}…` : s]);
    return out;
  }
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    const s = JSON.stringify(value);
    out.push([prefix, s.length > 240 ? `${s.slice(0, 237)}…` : s]);
    return out;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) out.push([prefix, Array.isArray(value) ? '[]' : '{}']);
  for (const [k, v] of entries) flattenForDisplay(v, prefix ? `${prefix}.${k}` : k, out, limit);
  return out;
}

const CSS = `
:root{--fg:#111;--muted:#555;--rule:#d0d0d0;--bg:#fff;--accent:#0072B2}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif}
main{max-width:1040px;margin:0 auto;padding:24px 28px 64px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;margin:36px 0 10px;border-bottom:1px solid var(--rule);padding-bottom:4px}
h3{font-size:1.05em;margin:20px 0 6px}
.meta{color:var(--muted);margin:0 0 8px}
table{border-collapse:collapse;margin:8px 0 4px;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--rule);padding:4px 12px 4px 0;text-align:left;vertical-align:top}
th{font-weight:600}td.num{text-align:right}
table.prov td{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
figure{margin:18px 0 26px}
figure svg{display:block;width:100%;max-width:960px;height:auto}
figcaption{color:var(--muted);font-size:0.92em;margin-top:6px}
figcaption a{color:var(--accent)}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
.gallery figure{margin:0}.gallery img{display:block;width:100%;height:auto;image-rendering:auto;border:1px solid var(--rule)}
.wide img{display:block;max-width:100%;height:auto;border:1px solid var(--rule)}
.note{color:var(--muted);font-size:0.92em}
.warn{background:#fff4e0;border-left:4px solid #E69F00;padding:6px 10px}
@media print{main{max-width:none;padding:0}h2{break-after:avoid}figure{break-inside:avoid}}
`;

/** Unit names as written in fit.json (ASCII) → as printed. */
export function prettyUnit(unit: string): string {
  return unit
    .replace(/\bum\b/g, 'µm')
    .replace(/cm2\b/g, 'cm²')
    .replace(/m2\b/g, 'm²')
    .replace(/cm3\b/g, 'cm³')
    .replace(/\bdeg\b/g, '°')
    .replace(/\bohm\b/gi, 'Ω');
}

function dataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

function resultsSection(s: RunSummary, umPerPx: number | null, platingEdge: string | null): string {
  const rows = [...s.tracks].sort((a, b) => a.id - b.id).map(summaryTextRow);
  const L: string[] = ['<section id="results"><h2>Dendrites</h2>'];
  if (rows.length === 0) {
    L.push('<p>No dendrite was tracked in this run.</p>');
  } else {
    L.push('<table id="summary-table"><thead><tr><th>Dendrite</th><th>Points</th><th>Fit window (s)</th><th>Velocity (µm/s) [95 % CI]</th><th>j<sub>tip</sub> (A/cm²) [95 % CI]</th></tr></thead><tbody>');
    for (const r of rows) {
      L.push(`<tr><td>${escapeHtml(r.id)}</td><td class="num">${r.n}</td><td>${r.window}</td><td class="num">${r.velocity}</td><td class="num">${r.jTip}</td></tr>`);
    }
    L.push('</tbody></table>');
    L.push('<p class="note">j<sub>tip</sub> = zF/V<sub>m</sub> · dx/dt with z = 1, F = 96485.3 C/mol, V<sub>m</sub>(Li) = 13.148 cm³/mol; intervals are 95 % confidence intervals from the measure stage. Values are rounded to two significant digits of the interval half-width.</p>');
  }
  const cal: string[] = [];
  if (umPerPx !== null) cal.push(`scale ${umPerPx} µm/px`);
  if (platingEdge) cal.push(`plating electrode at the ${escapeHtml(platingEdge)} edge`);
  if (cal.length) L.push(`<p class="meta">Calibration: ${cal.join('; ')}.</p>`);
  L.push('</section>');
  return L.join('\n');
}

function branchSection(br: BranchSummary[]): string {
  if (br.length === 0) return '';
  const f = (x: number | null, d = 2): string => (x === null ? '—' : x.toFixed(d));
  const L = ['<section id="branches"><h2>Side branches</h2><table><thead><tr><th>Branch</th><th>Dendrite</th><th>Seen (s)</th><th>Final length (µm)</th><th>Growth rate (µm/s) [95 % CI]</th></tr></thead><tbody>'];
  for (const b of [...br].sort((a, c) => a.id - c.id)) {
    const ci = b.velocityCi95UmPerS ? ` [${f(b.velocityCi95UmPerS[0])}, ${f(b.velocityCi95UmPerS[1])}]` : '';
    L.push(`<tr><td>b${b.id}</td><td>${b.dendriteId}</td><td>${f(b.firstTS)}–${f(b.lastTS)}</td><td class="num">${f(b.finalLengthUm, 1)}</td><td class="num">${f(b.velocityUmPerS)}${ci}</td></tr>`);
  }
  L.push('</tbody></table><p class="note">Branch tips are in branches.csv; the key frames mark them with diamonds labelled b&lt;id&gt;. Length is measured along the branch\'s own axis from where it leaves the dendrite\'s medial line.</p></section>');
  return L.join('\n');
}

function inclusionSection(inc: InclusionSummary[]): string {
  if (inc.length === 0 || inc.every((i) => i.phases.length === 0)) return '';
  const L = ['<section id="inclusions"><h2>Isolated inclusions</h2><table><thead><tr><th>Inclusion</th><th>Phase (s)</th><th>Current sign</th><th>Front velocity (µm/s)</th><th>Back velocity (µm/s)</th><th>Relative area change</th></tr></thead><tbody>'];
  for (const i of [...inc].sort((a, b) => a.id - b.id)) {
    for (const p of i.phases) {
      const f = (x: number | null): string => (x === null ? '—' : x.toPrecision(3));
      L.push(
        `<tr><td>${i.id}</td><td>${p.tStartS}–${p.tEndS}</td><td>${p.currentSign > 0 ? '+' : p.currentSign < 0 ? '−' : '0'}</td><td class="num">${f(p.frontVelocityUmPerS)}</td><td class="num">${f(p.backVelocityUmPerS)}</td><td class="num">${f(p.areaChangeRel)}</td></tr>`,
      );
    }
  }
  L.push('</tbody></table></section>');
  return L.join('\n');
}

function figuresSection(figs: ReportFigure[]): string {
  if (figs.length === 0) return '';
  const L = ['<section id="figures"><h2>Figures</h2>'];
  figs.forEach((f, i) => {
    const links = f.files.map((p) => `<a href="${escapeHtml(p)}">${escapeHtml(p.split('/').pop() ?? p)}</a>`).join(' · ');
    L.push(`<figure class="plot" id="fig-${escapeHtml(f.name)}"><h3>${escapeHtml(f.title)}</h3>`);
    L.push(prefixSvgIds(f.svg, `f${i}-`));
    L.push(`<figcaption>${escapeHtml(f.caption)}${links ? `<br>Files: ${links}` : ''}</figcaption></figure>`);
  });
  L.push('</section>');
  return L.join('\n');
}

function imagesSection(id: string, title: string, imgs: ReportImage[], omitted: number, wide: boolean): string {
  if (imgs.length === 0) return '';
  const L = [`<section id="${id}"><h2>${title}</h2><div class="${wide ? 'wide' : 'gallery'}">`];
  for (const im of imgs) {
    L.push(`<figure><img src="${dataUri(im.png)}" alt="${escapeHtml(im.name)}"><figcaption>${escapeHtml(im.name)}</figcaption></figure>`);
  }
  L.push('</div>');
  if (omitted > 0) L.push(`<p class="note">${omitted} more in the run folder (not inlined to keep this page small).</p>`);
  L.push('</section>');
  return L.join('\n');
}

/** Correlation matrix {a: {b: r}} as a symmetric table; other shapes as key/value rows. */
function correlationTable(c: Record<string, unknown>): string {
  const names = Object.keys(c);
  if (names.length === 0) return '';
  const isMatrix = names.every((n) => c[n] !== null && typeof c[n] === 'object' && !Array.isArray(c[n]));
  const L = ['<h3>Parameter correlations</h3>'];
  if (isMatrix) {
    const all = [...new Set([...names, ...names.flatMap((n) => Object.keys(c[n] as object))])];
    L.push(`<table id="fit-correlations"><thead><tr><th></th>${all.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr></thead><tbody>`);
    for (const a of all) {
      const cells = all.map((b) => {
        if (a === b) return '<td class="num">1</td>';
        const v = (c[a] as Record<string, unknown> | undefined)?.[b] ?? (c[b] as Record<string, unknown> | undefined)?.[a];
        return `<td class="num">${typeof v === 'number' ? v.toFixed(2) : '—'}</td>`;
      });
      L.push(`<tr><th>${escapeHtml(a)}</th>${cells.join('')}</tr>`);
    }
    L.push('</tbody></table>');
  } else {
    L.push('<table class="prov"><tbody>');
    for (const [k, v] of flattenForDisplay(c)) L.push(`<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`);
    L.push('</tbody></table>');
  }
  return L.join('\n');
}

function fitSection(fit: FitSummary | null): string {
  if (!fit) return '';
  const L = ['<section id="fit"><h2>Model fit</h2>'];
  L.push(
    `<p class="meta">Model: ${escapeHtml(fit.model)} · ${fit.converged ? 'converged' : '<strong>did not converge</strong>'}${fit.chi2Red !== null ? ` · reduced χ² = ${fit.chi2Red.toPrecision(3)}` : ''}</p>`,
  );
  L.push('<table id="fit-table"><thead><tr><th>Parameter</th><th>Value [95 % CI]</th><th>Unit</th><th>Interval</th><th></th><th>Note</th></tr></thead><tbody>');
  for (const p of fit.parameters) {
    L.push(
      `<tr><td>${escapeHtml(p.name)}</td><td class="num">${formatWithCi(p.value, p.ci95)}</td><td>${escapeHtml(prettyUnit(p.unit))}</td><td>${escapeHtml(p.fixed ? '' : (p.ciMethod ?? '—'))}</td><td>${p.fixed ? 'fixed' : 'fitted'}</td><td>${escapeHtml(p.note ?? '')}</td></tr>`,
    );
  }
  L.push('</tbody></table>');
  if (fit.notIdentifiable.length > 0) {
    L.push('<h3>Not identifiable from these data</h3><ul>');
    for (const n of fit.notIdentifiable) L.push(`<li><strong>${escapeHtml(n.name)}</strong>: ${escapeHtml(n.reason)}</li>`);
    L.push('</ul>');
  }
  L.push(correlationTable(fit.correlations));
  L.push('</section>');
  return L.join('\n');
}

function provenanceSection(input: ReportHtmlInput): string {
  const L = ['<section id="provenance"><h2>Provenance</h2>'];
  const rows: Array<[string, string]> = [];
  if (input.manifest) flattenForDisplay(input.manifest, 'manifest', rows);
  if (input.summary.video) flattenForDisplay(input.summary.video, 'video', rows);
  if (input.summary.calibration) flattenForDisplay(input.summary.calibration, 'calibration', rows);
  if (rows.length === 0) {
    L.push('<p>No manifest.json in this run folder.</p>');
  } else {
    L.push('<table class="prov"><tbody>');
    for (const [k, v] of rows) L.push(`<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`);
    L.push('</tbody></table>');
  }
  if (input.files.length > 0) {
    L.push(`<h3>Files</h3><p class="prov">${input.files.map((f) => `<a href="${escapeHtml(f)}">${escapeHtml(f)}</a>`).join(' · ')}</p>`);
  }
  L.push('</section>');
  return L.join('\n');
}

/** The report page. */
export function renderReportHtml(input: ReportHtmlInput): string {
  const nTracks = input.summary.tracks.length;
  const nInc = input.summary.inclusions.length;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No network: forbid every fetch except inline data (the page is one file).
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${CSS}</style></head><body><main>`,
    `<h1>${escapeHtml(input.title)}</h1>`,
    `<p class="meta">Run folder <code>${escapeHtml(input.runDir)}</code> · ${nTracks} dendrite${nTracks === 1 ? '' : 's'} · ${nInc} inclusion${nInc === 1 ? '' : 's'} · lidtrack ${escapeHtml(input.lidtrackVersion)}${input.summary.status && input.summary.status !== 'complete' ? ` · <strong>run status: ${escapeHtml(input.summary.status)}</strong>` : ''}</p>`,
    input.summary.runNotes.length
      ? `<p class="warn"><strong>Notes from the run:</strong> ${input.summary.runNotes.map(escapeHtml).join('; ')}</p>`
      : '',
    (input.warnings ?? []).length
      ? `<p class="warn"><strong>Left out of this report:</strong> ${(input.warnings ?? []).map(escapeHtml).join('; ')}</p>`
      : '',
    resultsSection(input.summary, input.umPerPx, input.platingEdge),
    branchSection(input.summary.branches),
    inclusionSection(input.summary.inclusions),
    figuresSection(input.figures),
    imagesSection('keyframes', 'Key frames', input.keyframes, input.keyframesOmitted, false),
    imagesSection('kymographs', 'Kymographs', input.kymographs, 0, true),
    fitSection(input.fit),
    provenanceSection(input),
    '</main></body></html>',
  ]
    .filter((s) => s !== '')
    .join('\n') + '\n';
}
