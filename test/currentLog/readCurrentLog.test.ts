/** Potentiostat logs: generic CSV variants, BioLogic .mpt, Gamry .DTA; strict errors with file and line. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { checkCurrentCovers, currentDensityAPerM2, phasesOfCurrent, readCurrentLog, type CurrentSample } from '../../src/ingest/currentLog/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lidtrack-current-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('generic CSV', () => {
  it('t_s,current_mA,voltage_V', () => {
    const log = readCurrentLog(file('a.csv', 't_s,current_mA,voltage_V\n0,0.5,0.01\n1.5,-0.25,-0.02\n'));
    expect(log.samples).toEqual([{ tS: 0, currentMA: 0.5, voltageV: 0.01 }, { tS: 1.5, currentMA: -0.25, voltageV: -0.02 }]);
  });
  it('units in the names: "Time (s)", "Current (A)" → mA, "Voltage (mV)" → V; any case; comments', () => {
    const log = readCurrentLog(file('b.csv', '# exported\nTIME (s),Current (A),Voltage (mV)\n0,0.0005,10\n2,-0.001,-20\n'));
    expect(log.samples[0]).toEqual({ tS: 0, currentMA: 0.5, voltageV: 0.01 });
    expect(log.samples[1].currentMA).toBeCloseTo(-1, 12);
    expect(log.samples[1].voltageV).toBeCloseTo(-0.02, 12);
  });
  it('semicolon delimiter with decimal comma, time in minutes, current in µA', () => {
    const log = readCurrentLog(file('c.csv', 'time/min;I/uA\n0;250,5\n0,5;-100\n'));
    expect(log.samples).toEqual([{ tS: 0, currentMA: 0.2505 }, { tS: 30, currentMA: -0.1 }]);
  });
  it('clock offset shifts the log onto the video clock', () => {
    const log = readCurrentLog(file('d.csv', 't_s,current_mA\n10,1\n20,1\n'), { clockOffsetS: -12.5 });
    expect(log.samples.map((s) => s.tS)).toEqual([-2.5, 7.5]);
  });
});

describe('instrument exports', () => {
  it('BioLogic EC-Lab .mpt: header block, tab columns, decimal comma, <I>/mA', () => {
    const header = ['EC-Lab ASCII FILE', 'Nb header lines : 5', '', 'Chronopotentiometry', 'mode\tox/red\terror\ttime/s\tcontrol/mA\tEwe/V\t<I>/mA\tcycle number'];
    const rows = ['2\t1\t0\t0,000000E+000\t0,5\t0,0123\t0,4998\t0', '2\t1\t0\t5,000000E-001\t0,5\t0,0125\t0,5001\t0', '2\t0\t0\t1,000000E+000\t-0,5\t-0,0124\t-0,4999\t0'];
    const log = readCurrentLog(file('run.mpt', [...header, ...rows].join('\r\n') + '\r\n'));
    expect(log.source).toMatch(/^biologic-mpt/);
    expect(log.samples.map((s) => s.tS)).toEqual([0, 0.5, 1]);
    expect(log.samples.map((s) => s.currentMA)).toEqual([0.4998, 0.5001, -0.4999]);
    expect(log.samples[2].voltageV).toBe(-0.0124);
  });
  it('Gamry .DTA: CURVE table, T in s, Im in A, Vf in V', () => {
    const text = [
      'EXPLAIN', 'TAG\tCHRONOP', 'TITLE\tLABEL\tChronopotentiometry\tTest &Identifier',
      'CURVE\tTABLE\t3',
      '\tPt\tT\tVf\tIm\tVu\tSig\tAch\tIERange\tOver',
      '\t#\ts\tV vs. Ref.\tA\tV\tV\tV\t#\tbits',
      '\t0\t0\t1.0E-02\t5.0E-04\t0\t0\t0\t5\t...........',
      '\t1\t0.5\t1.1E-02\t5.0E-04\t0\t0\t0\t5\t...........',
      '\t2\t1\t-1.2E-02\t-5.0E-04\t0\t0\t0\t5\t...........',
      'EXPERIMENTABORTED\tLABEL\tfalse',
    ].join('\n');
    const log = readCurrentLog(file('run.DTA', text));
    expect(log.source).toMatch(/^gamry-dta/);
    expect(log.samples.map((s) => s.tS)).toEqual([0, 0.5, 1]);
    expect(log.samples.map((s) => s.currentMA)).toEqual([0.5, 0.5, -0.5]);
    expect(log.samples[0].voltageV).toBe(0.01);
  });
});

describe('bad logs: InputError naming the file, the line and the problem', () => {
  it('missing current column', () => {
    const p = file('nocur.csv', 't_s,voltage_V\n0,1\n');
    const e = errorOf(() => readCurrentLog(p));
    expect(e.message).toContain(`${p}:1: no current column`);
  });
  it('a current column without a unit', () => {
    const e = errorOf(() => readCurrentLog(file('nounit.csv', 't_s,current\n0,1\n')));
    expect(e.message).toMatch(/nounit\.csv:1: column "current" has no unit/);
  });
  it('non-numeric row, with its line number', () => {
    const e = errorOf(() => readCurrentLog(file('text.csv', 't_s,current_mA\n0,1\n1,1\n2,overload\n')));
    expect(e.message).toMatch(/text\.csv:4: current_mA = "overload" is not a number/);
  });
  it('short row', () => {
    const e = errorOf(() => readCurrentLog(file('short.csv', 't_s,current_mA\n0,1\n1\n')));
    expect(e.message).toMatch(/short\.csv:3: 1 fields, expected at least 2/);
  });
  it('unsorted and duplicate times', () => {
    expect(errorOf(() => readCurrentLog(file('uns.csv', 't_s,current_mA\n0,1\n2,1\n1,1\n'))).message).toMatch(/uns\.csv:4: time 1 s is before the time on line 3 \(2 s\)/);
    expect(errorOf(() => readCurrentLog(file('dup.csv', 't_s,current_mA\n0,1\n1,1\n1,1\n'))).message).toMatch(/dup\.csv:4: time 1 s duplicates the time on line 3/);
  });
  it('.mpt non-numeric cell reports the line in the file (header block counted)', () => {
    const text = ['EC-Lab ASCII FILE', 'Nb header lines : 3', 'time/s\tI/mA', '0\t1', 'x\t1'].join('\n');
    expect(errorOf(() => readCurrentLog(file('bad.mpt', text))).message).toMatch(/bad\.mpt:5: time\/s = "x" is not a number/);
  });
  it('missing file', () => {
    expect(errorOf(() => readCurrentLog(join(dir, 'nope.csv'))).message).toMatch(/does not exist/);
  });
  it('a log that does not cover the video', () => {
    const s: CurrentSample[] = [0, 1, 2, 3].map((t) => ({ tS: t, currentMA: 1 }));
    expect(() => checkCurrentCovers(s, 0, 3.5, 'c.csv')).not.toThrow(); // within one sample interval
    expect(errorOf(() => checkCurrentCovers(s, 0, 10, 'c.csv')).message).toMatch(/c\.csv: the current log covers 0–3 s but the video runs 0–10 s/);
    expect(errorOf(() => checkCurrentCovers(s, -5, 3, 'c.csv')).message).toMatch(/starts after the video starts/);
  });
});

describe('phases and current density', () => {
  it('cuts at sign and level changes, tolerating noise within the relative tolerance', () => {
    const s: CurrentSample[] = [];
    const I = (t: number) => (t < 10 ? 0.5 : t < 20 ? 1.0 : t < 30 ? -1.0 : 0);
    for (let k = 0; k <= 80; k++) s.push({ tS: k * 0.5, currentMA: I(k * 0.5) * (1 + 0.01 * Math.sin(k)) });
    const ph = phasesOfCurrent(s);
    expect(ph.map((p) => [p.tStartS, p.tEndS, p.sign])).toEqual([[0, 10, 1], [10, 20, 1], [20, 30, -1], [30, 40, 0]]);
    expect(ph[1].currentMA).toBeCloseTo(1.0, 2);
  });
  it('j_n = I/A: 0.75 mA on 0.25 cm² is 30 A/m² (3 mA/cm²)', () => {
    expect(currentDensityAPerM2(0.75, 0.25)).toBeCloseTo(30, 12);
  });
});
