import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, trackMateMetaOf } from '../../src/report/buildReport.js';
import { readRunFolder } from '../../src/report/readRunFolder.js';
import type { TrackPoint } from '../../src/report/runFolderTypes.js';
import { trackMateXml } from '../../src/report/trackMateXml.js';
import { UM_PER_PX, makeRunFolder } from './makeRunFolder.js';
import { parseSimpleTracks, parseTrackMate } from './trackMateXml.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lidtrack-tm-'));
  await makeRunFolder(dir);
  await buildReport(dir, { png: false });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TrackMate export', () => {
  it('tracks.trackmate.xml parses back to the same tracks (ids, frames, µm positions, times)', () => {
    const run = readRunFolder(dir);
    const xml = readFileSync(join(dir, 'tracks.trackmate.xml'), 'utf8');
    const parsed = parseTrackMate(xml);
    expect(parsed.model).toEqual({ spatialunits: 'µm', timeunits: 's' });
    expect(parsed.spots).toBe(run.tracks.length);
    expect(parsed.tracks.map((t) => t.id)).toEqual([1, 2]);
    for (const t of parsed.tracks) {
      const want = run.tracks.filter((p) => p.trackId === t.id).sort((a, b) => a.frame - b.frame);
      expect(t.points.map((p) => p.frame)).toEqual(want.map((p) => p.frame));
      // Full double precision survives the round trip.
      expect(t.points.map((p) => [p.tS, p.xUm, p.yUm, p.lengthUm])).toEqual(want.map((p) => [p.tS, p.tipXUm, p.tipYUm, p.lengthUm]));
    }
    // Calibration and source video for "open over the original video" in Fiji.
    expect(Number(parsed.image.pixelwidth)).toBe(UM_PER_PX);
    expect(Number(parsed.image.timeinterval)).toBe(0.5);
    expect(parsed.image.filename).toBe('cell_A.mp4');
    expect(parsed.image.folder).toBe('/data/demo/');
    expect([parsed.image.width, parsed.image.height, parsed.image.nframes]).toEqual(['160', '120', '21']);
    expect(xml).toContain('<FilteredTracks>\n      <TrackID TRACK_ID="1" />\n      <TrackID TRACK_ID="2" />');
  });

  it('tracks.simple.xml parses back to the same detections', () => {
    const run = readRunFolder(dir);
    const { head, particles } = parseSimpleTracks(readFileSync(join(dir, 'tracks.simple.xml'), 'utf8'));
    expect(head.nTracks).toBe('2');
    expect(head.spaceUnits).toBe('µm');
    expect(head.timeUnits).toBe('s');
    expect(Number(head.frameInterval)).toBe(0.5);
    particles.forEach((det, i) => {
      const want = run.tracks.filter((p) => p.trackId === i + 1);
      expect(det).toEqual(want.map((p) => ({ t: p.frame, x: p.tipXUm, y: p.tipYUm })));
    });
  });

  it('keeps a one-point track as a lone spot (TrackMate has no edge-less tracks) and escapes paths', () => {
    const pts: TrackPoint[] = [
      { trackId: 7, frame: 3, tS: 1.5, tipXPx: 10, tipYPx: 4, tipXUm: 5, tipYUm: 2, lengthUm: 1, extra: {} },
      { trackId: 9, frame: 3, tS: 1.5, tipXPx: 20, tipYPx: 4, tipXUm: 10, tipYUm: 2, lengthUm: 1, extra: {} },
      { trackId: 9, frame: 4, tS: 2, tipXPx: 22, tipYPx: 4, tipXUm: 11, tipYUm: 2, lengthUm: 2, extra: {} },
    ];
    const xml = trackMateXml(pts, { umPerPx: 0.5, frameIntervalS: 0.5, imagePath: 'C:\\data\\a&b "1".avi' });
    const p = parseTrackMate(xml);
    expect(p.spots).toBe(3);
    expect(p.tracks.map((t) => t.id)).toEqual([9]);
    expect(p.image.filename).toBe('a&b "1".avi');
    expect(p.image.folder).toBe('C:\\data\\');
    expect(xml).toContain('a&amp;b &quot;1&quot;.avi');
  });

  it('derives the frame interval from the tracks when the video rate is unknown', () => {
    const run = readRunFolder(dir);
    const noVideo = { ...run, summary: { ...run.summary, video: null } };
    expect(trackMateMetaOf(noVideo).frameIntervalS).toBeCloseTo(0.5, 12); // median of 0.5 s steps with one 0.6 s hiccup
  });
});
