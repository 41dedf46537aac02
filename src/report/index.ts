/**
 * Public surface of the report stage: reading a finished run folder, figures (Vega-Lite →
 * SVG / 300-dpi PNG), key-frame panels and kymographs for the tracker to call while streaming,
 * TrackMate export, CSV units rows, and `buildReport` (what `lidtrack report DIR` runs).
 */
export { writeFileAtomic, writeJsonAtomic, writeCsvAtomic, csvNumber } from './atomic.js';
export { buildReport, trackMateMetaOf, type BuildReportOptions } from './buildReport.js';
export { readRunFolder, parseTracksCsv, parseSummaryJson, parseInclusionsCsv, parseDriftCsv, parseCurrentCsv, parseFitJson } from './readRunFolder.js';
export type * from './runFolderTypes.js';
export { parseCsv, type CsvTable } from './csvTable.js';
export { unitForColumn, csvWithUnitsRow, writeCsvWithUnitsAtomic } from './csvUnits.js';
export { renderKeyFramePanel, renderAnnotatedFrameRgb, keyFramePanelLayout, type GrayImage, type KeyFrameAnnotations, type KeyFramePanelOptions, type KeyFramePanelLayout } from './renderKeyFramePanel.js';
export { KymographBuilder, uniformTimeRows, type KymographPngOptions, type Kymogram } from './KymographBuilder.js';
export { OverlayVideoWriter, type OverlayVideoOptions } from './OverlayVideoWriter.js';
export { trackMateXml, simpleTracksXml, type TrackMateMeta } from './trackMateXml.js';
export { writeTrackMate } from './writeTrackMate.js';
export { FIGURE_DEFS, type FigureDef } from './figureDefs.js';
export { writeFigures, buildFigureSpecs, type RenderedFigure } from './writeFigures.js';
export { renderSvg, svgToPng } from './renderFigure.js';
export { OKABE_ITO, trackColor, figureSizeSpec, FIGURE_SIZES, type FigureSize } from './figureStyle.js';
export { topLevelSpec, FIGURE_SCHEMA_VERSION, type VlSpec } from './vlSpec.js';
export { niceScaleBarUm } from './scaleBar.js';
export { regressionBand, type BandSample } from './regressionBand.js';
export { summaryTableRows, SUMMARY_TABLE_COLUMNS, formatWithCi } from './summaryTable.js';
