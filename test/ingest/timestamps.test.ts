import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { analyzeTimestamps, parseTimestampsCsv } from '../../src/ingest/index.js';
import { parseDecoderProblem, parseShowinfoFrame, parseShowinfoTimeBase } from '../../src/ingest/ffmpegLog.js';

describe('parseTimestampsCsv', () => {
  it('reads frame,t_s with CRLF, BOM, comments, blank lines and extra columns', () => {
    const t = parseTimestampsCsv('\uFEFF# exported by scope\r\nframe,t_s,exposure_ms\r\n0,0.0,10\r\n\r\n1,0.75,10\r\n2,2.5,10\r\n', 'x.csv');
    expect(t).toEqual([0, 0.75, 2.5]);
  });
  it('accepts the columns in another order', () => {
    expect(parseTimestampsCsv('t_s,frame\n1.5,0\n2.5,1\n', 'x.csv')).toEqual([1.5, 2.5]);
  });
  it.each([
    ['', /x\.csv is empty/],
    ['time,value\n0,0\n', /x\.csv line 1: expected a header with columns frame,t_s/],
    ['frame,t_s\n', /has a header but no rows/],
    ['frame,t_s\n1,0\n', /line 2: frame 1 where frame 0 was expected/],
    ['frame,t_s\n0,0\n2,1\n', /line 3: frame 2 where frame 1 was expected/],
    ['frame,t_s\n0,0\n1,1\n1,2\n', /line 4: frame 1 where frame 2 was expected/],
    ['frame,t_s\n0,0\n1,\n', /line 3: t_s "" is not a number/],
    ['frame,t_s\n0,0\n1,Infinity\n', /line 3: t_s "Infinity" is not a number/],
    ['frame,t_s\n0,1\n1,1\n', /line 3: t_s 1 is not later/],
    ['frame,t_s\n0\n', /line 2: expected 2 columns/],
  ])('rejects %j', (text, re) => {
    expect(() => parseTimestampsCsv(text, 'x.csv')).toThrow(InputError);
    expect(() => parseTimestampsCsv(text, 'x.csv')).toThrow(re);
  });
  it('property: any strictly increasing finite series round-trips exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-6, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 50 }), (steps) => {
        const times: number[] = [];
        let t = -5;
        for (const s of steps) times.push((t += s));
        const strictly = times.every((x, i) => i === 0 || x > times[i - 1]);
        fc.pre(strictly);
        const csv = 'frame,t_s\n' + times.map((x, i) => `${i},${x}`).join('\n');
        expect(parseTimestampsCsv(csv, 'p.csv')).toEqual(times);
      }),
      { numRuns: 200 },
    );
  });
  it('property: swapping two different times always fails with the line of the first decrease', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.nat(), (n, r) => {
        const times = Array.from({ length: n }, (_, i) => i * 0.5);
        const i = r % (n - 1);
        [times[i], times[i + 1]] = [times[i + 1], times[i]];
        const csv = 'frame,t_s\n' + times.map((x, k) => `${k},${x}`).join('\n');
        expect(() => parseTimestampsCsv(csv, 'p.csv')).toThrow(new RegExp(`line ${i + 3}:`));
      }),
      { numRuns: 100 },
    );
  });
});

describe('analyzeTimestamps', () => {
  it('30 fps in a 1 ms time base (33, 33, 34 ms) is regular', () => {
    const pts = Array.from({ length: 300 }, (_, k) => Math.round((k * 1000) / 30));
    const c = analyzeTimestamps(pts, 1e-3, true);
    expect(c?.irregular).toBe(false);
    expect(c?.medianIntervalS).toBeCloseTo(0.033, 6);
  });
  it('decode order (B-frames) is sorted first', () => {
    const pts = [0, 3, 1, 2, 6, 4, 5, 9, 7, 8].map((k) => k * 512);
    expect(analyzeTimestamps(pts, 1 / 15360, true)?.irregular).toBe(false);
  });
  it('a gap of dropped frames is irregular and counted', () => {
    const pts = [0, 1, 2, 3, 7, 8, 9, 10].map((k) => k * 100);
    const c = analyzeTimestamps(pts, 1e-3, true);
    expect(c?.irregular).toBe(true);
    expect(c?.gaps).toBe(1);
    expect(c?.maxIntervalS).toBeCloseTo(0.4, 12);
  });
  it('2 % jitter is irregular, 0.5 % (within 1 %) is not', () => {
    const mk = (j: number) => Array.from({ length: 50 }, (_, k) => k * 10000 + (k % 2) * j);
    expect(analyzeTimestamps(mk(200), 1e-6, true)?.irregular).toBe(true);
    expect(analyzeTimestamps(mk(50), 1e-6, true)?.irregular).toBe(false);
  });
  it('duplicates are irregular; fewer than 3 stamps give null', () => {
    expect(analyzeTimestamps([0, 10, 10, 20, 30], 1, true)?.duplicates).toBe(1);
    expect(analyzeTimestamps([0, 10], 1, true)).toBeNull();
  });
});

describe('ffmpeg log parsing', () => {
  it('showinfo frame lines (ffmpeg 4 and 6 styles), NOPTS, and the time base', () => {
    expect(parseShowinfoFrame('[Parsed_showinfo_2 @ 0x3f6b41c0] [info] n:  12 pts:  6144 pts_time:0.4     pos: 1519 fmt:gray')).toEqual({ n: 12, pts: 6144, ptsTimeS: 0.4 });
    expect(parseShowinfoFrame('[Parsed_showinfo_0 @ 0x55d] n:   0 pts:      0 pts_time:0       duration:512 ')).toEqual({ n: 0, pts: 0, ptsTimeS: 0 });
    expect(parseShowinfoFrame('[Parsed_showinfo_0 @ 0x55d] n:   3 pts:NOPTS pts_time:NOPTS pos:1')?.pts).toBeNull();
    expect(parseShowinfoFrame('[Parsed_showinfo_0 @ 0x55d] [info] color_range:pc color_space:unknown')).toBeNull();
    expect(parseShowinfoTimeBase('[Parsed_showinfo_4 @ 0x3f6b41c0] [info] config in time_base: 1/15360, frame_rate: 30/1')).toEqual([1, 15360]);
  });
  it('decoder problems keep their context, drop addresses', () => {
    expect(parseDecoderProblem('[h264 @ 0x1234abcd] [error] Invalid NAL unit size (1 > 0).')).toBe('h264: Invalid NAL unit size (1 > 0).');
    expect(parseDecoderProblem('[info] Stream mapping:')).toBeNull();
  });
});
