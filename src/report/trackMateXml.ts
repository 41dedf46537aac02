/**
 * Dendrite tracks in the two XML forms Fiji's TrackMate reads:
 *
 * - the full TrackMate file (Plugins › Tracking › Load a TrackMate file): Model with spots per
 *   frame, tracks as spot→spot edges, spatial unit µm and time unit s, and Settings whose
 *   ImageData names the source video and its calibration, so the tracks open over it;
 * - the simple "tracks.xml" export (`<Tracks><particle><detection t x y z/>`), read by
 *   TrackMate's track importer and by Icy and other tools.
 *
 * Coordinates: TrackMate puts pixel centres at integer multiples of the pixel size, the same
 * convention as tracks.csv, so tip_x_um/tip_y_um go in unchanged.
 */
import { LIDTRACK_VERSION } from '../core/version.js';
import type { TrackPoint } from './runFolderTypes.js';

/** Image and calibration facts written into the TrackMate file. */
export interface TrackMateMeta {
  /** Pixel size [µm/px]. */
  umPerPx: number;
  /** Nominal frame interval [s] (TrackMate's `timeinterval`). */
  frameIntervalS: number;
  /** Source image width/height [px] and frame count, when known. */
  widthPx?: number;
  heightPx?: number;
  nFrames?: number;
  /** Source video path, when known (ImageData filename/folder). */
  imagePath?: string;
  /** Spot radius drawn in Fiji [µm] (default 2 px). */
  spotRadiusUm?: number;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Numbers in full precision, as TrackMate writes them ("12.5", "0.0"). */
const n = (x: number): string => (Number.isFinite(x) ? (Number.isInteger(x) ? `${x}.0` : String(x)) : 'NaN');

interface SpotRec {
  spotId: number;
  p: TrackPoint;
}

/** Points grouped by track id (ascending), each sorted by frame; spot ids 0.. in that order. */
function spotsByTrack(tracks: TrackPoint[]): Map<number, SpotRec[]> {
  const sorted = [...tracks].sort((a, b) => a.trackId - b.trackId || a.frame - b.frame);
  const by = new Map<number, SpotRec[]>();
  sorted.forEach((p, i) => {
    const list = by.get(p.trackId) ?? [];
    list.push({ spotId: i, p });
    by.set(p.trackId, list);
  });
  return by;
}

function splitPath(path: string | undefined): { file: string; folder: string } {
  if (!path) return { file: '', folder: '' };
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? { file: path, folder: '' } : { file: path.slice(i + 1), folder: path.slice(0, i + 1) };
}

/**
 * A TrackMate XML document ("Load a TrackMate file"). Tracks with a single point have no edge
 * and are kept as lone spots (TrackMate has no one-spot tracks).
 * @param tracks tracks.csv rows
 * @param meta calibration and source image facts
 */
export function trackMateXml(tracks: TrackPoint[], meta: TrackMateMeta): string {
  const by = spotsByTrack(tracks);
  const radius = meta.spotRadiusUm ?? 2 * meta.umPerPx;
  const frames = new Map<number, SpotRec[]>();
  for (const list of by.values()) for (const s of list) frames.set(s.p.frame, [...(frames.get(s.p.frame) ?? []), s]);
  const frameKeys = [...frames.keys()].sort((a, b) => a - b);
  const nSpots = tracks.length;
  const L: string[] = [];
  L.push('<?xml version="1.0" encoding="UTF-8"?>');
  L.push('<TrackMate version="7.0.0">');
  L.push(`  <Log>Dendrite tip tracks written by lidtrack ${esc(LIDTRACK_VERSION)}. POSITION_T is the frame's true presentation time; TIP_LENGTH is the tip distance from the plating interface.</Log>`);
  L.push('  <Model spatialunits="µm" timeunits="s">');
  L.push('    <FeatureDeclarations>');
  L.push('      <SpotFeatures>');
  const spotFeat: Array<[string, string, string, string, boolean]> = [
    ['QUALITY', 'Quality', 'Quality', 'QUALITY', false],
    ['POSITION_X', 'X', 'X', 'POSITION', false],
    ['POSITION_Y', 'Y', 'Y', 'POSITION', false],
    ['POSITION_Z', 'Z', 'Z', 'POSITION', false],
    ['POSITION_T', 'T', 'T', 'TIME', false],
    ['FRAME', 'Frame', 'Frame', 'NONE', true],
    ['RADIUS', 'Radius', 'R', 'LENGTH', false],
    ['VISIBILITY', 'Visibility', 'Visibility', 'NONE', true],
    ['TIP_LENGTH', 'Tip length', 'Length', 'LENGTH', false],
  ];
  for (const [f, name, sn, dim, isint] of spotFeat) {
    L.push(`        <Feature feature="${f}" name="${name}" shortname="${sn}" dimension="${dim}" isint="${isint}" />`);
  }
  L.push('      </SpotFeatures>');
  L.push('      <EdgeFeatures>');
  L.push('        <Feature feature="SPOT_SOURCE_ID" name="Source spot ID" shortname="Source ID" dimension="NONE" isint="true" />');
  L.push('        <Feature feature="SPOT_TARGET_ID" name="Target spot ID" shortname="Target ID" dimension="NONE" isint="true" />');
  L.push('        <Feature feature="LINK_COST" name="Edge cost" shortname="Cost" dimension="COST" isint="false" />');
  L.push('        <Feature feature="EDGE_TIME" name="Edge time" shortname="Edge T" dimension="TIME" isint="false" />');
  L.push('        <Feature feature="DISPLACEMENT" name="Displacement" shortname="Disp." dimension="LENGTH" isint="false" />');
  L.push('        <Feature feature="SPEED" name="Speed" shortname="Speed" dimension="VELOCITY" isint="false" />');
  L.push('      </EdgeFeatures>');
  L.push('      <TrackFeatures>');
  L.push('        <Feature feature="TRACK_INDEX" name="Track index" shortname="Index" dimension="NONE" isint="true" />');
  L.push('        <Feature feature="TRACK_ID" name="Track ID" shortname="ID" dimension="NONE" isint="true" />');
  L.push('        <Feature feature="NUMBER_SPOTS" name="Number of spots in track" shortname="N spots" dimension="NONE" isint="true" />');
  L.push('        <Feature feature="TRACK_DURATION" name="Track duration" shortname="Duration" dimension="TIME" isint="false" />');
  L.push('        <Feature feature="TRACK_START" name="Track start" shortname="Track start" dimension="TIME" isint="false" />');
  L.push('        <Feature feature="TRACK_STOP" name="Track stop" shortname="Track stop" dimension="TIME" isint="false" />');
  L.push('        <Feature feature="TRACK_DISPLACEMENT" name="Track displacement" shortname="Track disp." dimension="LENGTH" isint="false" />');
  L.push('      </TrackFeatures>');
  L.push('    </FeatureDeclarations>');
  L.push(`    <AllSpots nspots="${nSpots}">`);
  for (const fr of frameKeys) {
    L.push(`      <SpotsInFrame frame="${fr}">`);
    for (const { spotId, p } of frames.get(fr) as SpotRec[]) {
      L.push(
        `        <Spot ID="${spotId}" name="T${p.trackId}F${p.frame}" QUALITY="1.0" POSITION_X="${n(p.tipXUm)}" POSITION_Y="${n(p.tipYUm)}" POSITION_Z="0.0" POSITION_T="${n(p.tS)}" FRAME="${p.frame}" RADIUS="${n(radius)}" VISIBILITY="1" TIP_LENGTH="${n(p.lengthUm)}" />`,
      );
    }
    L.push('      </SpotsInFrame>');
  }
  L.push('    </AllSpots>');
  L.push('    <AllTracks>');
  const kept: number[] = [];
  let index = 0;
  for (const [id, list] of by) {
    if (list.length < 2) continue;
    kept.push(id);
    const a = list[0].p;
    const b = list[list.length - 1].p;
    L.push(
      `      <Track name="Track_${id}" TRACK_INDEX="${index++}" TRACK_ID="${id}" NUMBER_SPOTS="${list.length}" TRACK_DURATION="${n(b.tS - a.tS)}" TRACK_START="${n(a.tS)}" TRACK_STOP="${n(b.tS)}" TRACK_DISPLACEMENT="${n(Math.hypot(b.tipXUm - a.tipXUm, b.tipYUm - a.tipYUm))}">`,
    );
    for (let i = 1; i < list.length; i++) {
      const s = list[i - 1];
      const t = list[i];
      const d = Math.hypot(t.p.tipXUm - s.p.tipXUm, t.p.tipYUm - s.p.tipYUm);
      const dt = t.p.tS - s.p.tS;
      L.push(
        `        <Edge SPOT_SOURCE_ID="${s.spotId}" SPOT_TARGET_ID="${t.spotId}" LINK_COST="0.0" EDGE_TIME="${n((s.p.tS + t.p.tS) / 2)}" DISPLACEMENT="${n(d)}" SPEED="${n(dt > 0 ? d / dt : Number.NaN)}" />`,
      );
    }
    L.push('      </Track>');
  }
  L.push('    </AllTracks>');
  L.push('    <FilteredTracks>');
  for (const id of kept) L.push(`      <TrackID TRACK_ID="${id}" />`);
  L.push('    </FilteredTracks>');
  L.push('  </Model>');
  const { file, folder } = splitPath(meta.imagePath);
  const w = meta.widthPx ?? 0;
  const h = meta.heightPx ?? 0;
  const nf = meta.nFrames ?? (frameKeys.length ? frameKeys[frameKeys.length - 1] + 1 : 0);
  L.push('  <Settings>');
  L.push(
    `    <ImageData filename="${esc(file)}" folder="${esc(folder)}" width="${w}" height="${h}" nslices="1" nframes="${nf}" pixelwidth="${n(meta.umPerPx)}" pixelheight="${n(meta.umPerPx)}" voxeldepth="1.0" timeinterval="${n(meta.frameIntervalS)}" />`,
  );
  L.push(`    <BasicSettings xstart="0" xend="${Math.max(0, w - 1)}" ystart="0" yend="${Math.max(0, h - 1)}" zstart="0" zend="0" tstart="0" tend="${Math.max(0, nf - 1)}" />`);
  L.push(`    <DetectorSettings DETECTOR_NAME="MANUAL_DETECTOR" RADIUS="${n(radius)}" />`);
  L.push('    <InitialSpotFilter feature="QUALITY" value="0.0" isabove="true" />');
  L.push('    <SpotFilterCollection />');
  L.push('    <TrackerSettings TRACKER_NAME="MANUAL_TRACKER" />');
  L.push('    <TrackFilterCollection />');
  L.push('    <AnalyzerCollection>');
  L.push('      <SpotAnalyzers />');
  L.push('      <EdgeAnalyzers />');
  L.push('      <TrackAnalyzers />');
  L.push('    </AnalyzerCollection>');
  L.push('  </Settings>');
  L.push('</TrackMate>');
  return L.join('\n') + '\n';
}

/**
 * The simple TrackMate "tracks.xml" export format: one `<particle>` per track, detections with
 * frame index `t` and calibrated `x`, `y`, `z` [µm].
 * @param generatedAt timestamp written in `generationDateTime` (pass a fixed one for byte-stable output)
 */
export function simpleTracksXml(tracks: TrackPoint[], meta: TrackMateMeta, generatedAt = new Date()): string {
  const by = spotsByTrack(tracks);
  const L: string[] = [];
  L.push('<?xml version="1.0" encoding="UTF-8" standalone="no"?>');
  L.push(
    `<Tracks nTracks="${by.size}" spaceUnits="µm" frameInterval="${n(meta.frameIntervalS)}" timeUnits="s" generationDateTime="${esc(generatedAt.toUTCString())}" from="lidtrack ${esc(LIDTRACK_VERSION)}">`,
  );
  for (const list of by.values()) {
    L.push(`  <particle nSpots="${list.length}">`);
    for (const { p } of list) L.push(`    <detection t="${p.frame}" x="${n(p.tipXUm)}" y="${n(p.tipYUm)}" z="0.0" />`);
    L.push('  </particle>');
  }
  L.push('</Tracks>');
  return L.join('\n') + '\n';
}
