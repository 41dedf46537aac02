import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseCsv } from '../../src/report/csvTable.js';
import { csvWithUnitsRow, unitForColumn } from '../../src/report/csvUnits.js';
import { parseFitJson, parseSummaryJson, parseTracksCsv, readRunFolder } from '../../src/report/readRunFolder.js';
import { runPlatingEdge, runUmPerPx } from '../../src/report/runCalibration.js';
import { UM_PER_PX, makeRunFolder, truthTracks } from './makeRunFolder.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lidtrack-read-'));
  await makeRunFolder(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = 'track_id,frame,t_s,tip_x_px,tip_y_px,tip_x_um,tip_y_um,length_um';

describe('readRunFolder', () => {
  it('reads every file of a run folder into typed, unit-named values', () => {
    const run = readRunFolder(dir);
    expect(run.tracks).toHaveLength(21 + 16);
    expect(run.tracks[0]).toMatchObject({ trackId: 1, frame: 0, tS: 0, lengthUm: truthTracks()[0].lengthUm[0] });
    expect(run.tracks[0].extra.tip_sigma_px).toBe(0.15);
    expect(run.summary.tracks[1].rates.length).toBeGreaterThan(0);
    expect(run.summary.tracks[1].rates[0].velocityCi95UmPerS).not.toBeNull();
    expect(run.inclusions).toHaveLength(21);
    expect(run.current?.[0]).toEqual({ tS: -2, currentMA: 0.5, voltageV: -0.04 });
    expect(run.drift).toHaveLength(21);
    expect(run.fit?.parameters.map((p) => p.name)).toEqual(['h_ext_um', 'eta_th_mV', 'j0_mA_per_cm2']);
    expect(run.fit?.parameters[2]).toMatchObject({ fixed: true, ci95: null });
    expect(run.fitResiduals?.header).toEqual(['t_s', 'observable', 'data_um', 'model_um', 'residual_um', 'normalised']);
    expect(run.fitResiduals?.rows).toHaveLength(42);
    expect(runUmPerPx(run)).toBe(UM_PER_PX);
    expect(runPlatingEdge(run)).toBe('left');
  });

  it('names file and line for a bad number, a short row, a missing column', () => {
    expect(() => parseTracksCsv(`${HEAD}\n1,0,0,1,2,3,4,5\n1,1,abc,1,2,3,4,5\n`)).toThrow('tracks.csv:3: column "t_s" is "abc", not a finite number');
    expect(() => parseTracksCsv(`${HEAD}\n1,0,0,1,2,3,4\n`)).toThrow('tracks.csv:2: 7 cells, but the header has 8 columns');
    expect(() => parseTracksCsv('track_id,frame,t_s\n1,0,0\n')).toThrow('tracks.csv:1: required column "tip_x_px" is missing');
    expect(() => parseTracksCsv(`${HEAD}\n1.5,0,0,1,2,3,4,5\n`)).toThrow('tracks.csv:2: column "track_id" is 1.5, not an integer');
    expect(() => parseTracksCsv(`${HEAD}\n1,0,0,1,2,3,4,"5\n`)).toThrow(/tracks.csv:2: a quoted cell is never closed/);
    try {
      parseTracksCsv(`${HEAD}\n1,0,,1,2,3,4,5\n`);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).hint).not.toBe('');
    }
  });

  it('names the JSON path for a summary or fit that breaks the contract', () => {
    expect(() => parseSummaryJson('{"tracks":[{"id":1,"velocity_um_per_s":"fast"}]}')).toThrow(/summary.json: tracks\[0\]\.velocity_um_per_s:/);
    expect(() => parseSummaryJson('{"tracks":[')).toThrow(/summary.json: not valid JSON/);
    expect(() => parseFitJson('{"model":"reduced","converged":true,"parameters":{"h_ext_um":{"ci95":[1,2]}}}')).toThrow(/fit.json: parameters\.h_ext_um\.value:/);
    // Optional fields are optional; nulls are "not available".
    const s = parseSummaryJson('{"tracks":[{"id":3,"velocity_um_per_s":null,"velocity_ci95_um_per_s":[null,null]}]}');
    expect(s.tracks[0]).toMatchObject({ id: 3, velocityUmPerS: null, velocityCi95UmPerS: null, rates: [] });
  });

  it('drops a malformed optional part (rates, phases) with a warning instead of failing', () => {
    const s = parseSummaryJson(
      '{"tracks":[{"id":1,"velocity_um_per_s":2,"rates":[{"t_center_s":3}]}],"inclusions":[{"id":4,"phases":[{"t_start_s":0}]}]}',
    );
    expect(s.tracks[0]).toMatchObject({ id: 1, velocityUmPerS: 2, rates: [] });
    expect(s.inclusions[0].phases).toEqual([]);
    expect(s.warnings).toHaveLength(2);
    expect(parseSummaryJson('{"tracks":[],"status":"partial","warnings":["the recording ended early after 12 frames"]}')).toMatchObject({
      status: 'partial',
      runNotes: ['the recording ended early after 12 frames'],
      warnings: [],
    });
    expect(s.warnings[0]).toMatch(/^summary\.json: tracks\[0\]\.rates\[0\]\.t_s: .* ignored$/);
    expect(s.warnings[1]).toMatch(/^summary\.json: inclusions\[0\]\.phases\[0\]\.t_end_s: .* ignored$/);
  });

  it('says which required file is missing', () => {
    const d2 = mkdtempSync(join(tmpdir(), 'lidtrack-read2-'));
    writeFileSync(join(d2, 'tracks.csv'), readFileSync(join(dir, 'tracks.csv')));
    expect(() => readRunFolder(d2)).toThrow(/summary.json is missing/);
    unlinkSync(join(d2, 'tracks.csv'));
    expect(() => readRunFolder(join(d2, 'nope'))).toThrow(/does not exist/);
    rmSync(d2, { recursive: true });
  });
});

describe('CSV units row', () => {
  it('derives units from column names and round-trips through the reader', () => {
    expect(unitForColumn('velocity_um_per_s')).toBe('µm/s');
    expect(unitForColumn('j_tip_ci95_lo_A_per_cm2')).toBe('A/cm²');
    expect(unitForColumn('area_um2')).toBe('µm²');
    expect(unitForColumn('t_s')).toBe('s');
    expect(unitForColumn('current_mA')).toBe('mA');
    expect(unitForColumn('track_id')).toBe('');
    const text = csvWithUnitsRow(['track_id', 't_s', 'length_um', 'note'], [[1, 0.5, 12.25, 'a,b']], { unitsRow: true });
    expect(text).toBe('track_id,t_s,length_um,note\n,s,µm,\n1,0.5,12.25,"a,b"\n');
    const t = parseCsv(text, 'x.csv');
    expect(t.units).toEqual(['', 's', 'µm', '']);
    expect(t.rows).toEqual([{ line: 3, cells: ['1', '0.5', '12.25', 'a,b'] }]);
    // And the tracks reader accepts a tracks.csv that carries a units row.
    const withUnits = csvWithUnitsRow(HEAD.split(','), [[1, 0, 0, 1, 2, 3, 4, 5]], { unitsRow: true });
    expect(parseTracksCsv(withUnits)[0].lengthUm).toBe(5);
  });
});
