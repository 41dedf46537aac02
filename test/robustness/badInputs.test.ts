/**
 * A corpus of bad inputs for every command, generated here (ffmpeg lavfi sources, cut or
 * damaged copies of the fixtures, edited YAML/CSV): each must give exit code 2, one line on
 * stderr naming the problem (commander's usage errors add one "run --help" line), no stack
 * trace, nothing on stdout, and nothing written to --out. Where a damaged recording still holds
 * decodable frames, the documented behaviour is checked instead: analyse them and say so.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../src/ingest/binaries.js';
import { runProcess } from '../../src/ingest/runProcess.js';
import { listFiles, runCli, snapshot, STACK_TRACE } from './cliHarness.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-robust-'));
const f = (name: string) => join(tmp, name);
const out = (name: string) => join(tmp, 'out', name);

async function ffmpeg(args: string[]): Promise<void> {
  const r = await runProcess(resolveFfmpeg().ffmpeg.path, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

/** Deterministic byte noise over [from, to) of `b` (an LCG, so the damage is the same every run). */
function scramble(b: Buffer, from: number, to: number): Buffer {
  const c = Buffer.from(b);
  let s = 12345;
  for (let i = from; i < to; i++) c[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return c;
}

const FIG2 = 'fixtures/fig2/video.mp4';
const MODEL = 'fixtures/fit/model-reduced.yaml';
const INCL = 'fixtures/ili/truth_inclusions.csv';
const CURRENT = 'fixtures/ili/current.csv';
const SCENARIO = 'fixtures/fig2/scenario.yaml';

beforeAll(async () => {
  // Recordings.
  writeFileSync(f('empty.mp4'), '');
  writeFileSync(f('notes.mp4'), 'these are my lab notes, not a video\n'.repeat(20));
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.5', '-c:a', 'aac', f('audio.mp4')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=1', '-frames:v', '0', '-c:v', 'libx264', f('zero.mp4')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=0.1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', f('one.mp4')]);
  const fig2 = readFileSync(FIG2);
  // The fixture's index (moov) is at the end, as in most recorders' output: cut in half, it is gone.
  writeFileSync(f('trunc.mp4'), fig2.subarray(0, Math.floor(fig2.length / 2)));
  // The same recording with the index at the front (faststart): cut in half, half the frames remain.
  await ffmpeg(['-i', FIG2, '-c', 'copy', '-movflags', '+faststart', f('faststart.mp4')]);
  const fs = readFileSync(f('faststart.mp4'));
  writeFileSync(f('trunc-faststart.mp4'), fs.subarray(0, Math.floor(fs.length / 2)));
  writeFileSync(f('corrupt.mp4'), scramble(fig2, Math.floor(fig2.length * 0.4), Math.floor(fig2.length * 0.45)));
  mkdirSync(f('no-images'));
  writeFileSync(f('no-images/readme.txt'), 'the images were not copied\n');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=1:duration=1', '-frames:v', '1', f('one-page.tif')]);
  mkdirSync(f('mixed-sizes'));
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=1:duration=3', f('mixed-sizes/img_%03d.png')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=32x48:rate=1:duration=1', '-frames:v', '1', f('mixed-sizes/img_004.png')]);
  mkdirSync(f('damaged-png'));
  copyFileSync(f('mixed-sizes/img_001.png'), f('damaged-png/a_000.png'));
  writeFileSync(f('damaged-png/a_001.png'), readFileSync(f('mixed-sizes/img_002.png')).subarray(0, 40));
  copyFileSync(f('mixed-sizes/img_003.png'), f('damaged-png/a_002.png'));
  writeFileSync(f('not-a-folder'), 'a file where a results folder was meant to go\n');
  // Timestamp CSVs.
  writeFileSync(f('ts-nonnumeric.csv'), 'frame,t_s\n0,0\n1,abc\n');
  writeFileSync(f('ts-unsorted.csv'), 'frame,t_s\n0,0\n1,0.5\n2,0.2\n');
  writeFileSync(f('ts-short.csv'), 'frame,t_s\n0,0\n1,0.5\n');
  writeFileSync(f('ts-noheader.csv'), '0,0\n1,0.5\n');
  // Pipelines.
  const fig2Abs = join(process.cwd(), FIG2);
  const track = (extra: string) => `track:\n  input: ${fig2Abs}\n  um_per_px: 0.5\n  plating_edge: bottom\n${extra}`;
  writeFileSync(f('p-syntax.yaml'), 'track:\n  input: [x.mp4\n  um_per_px: 0.5\n');
  writeFileSync(f('p-unknown.yaml'), `track:\n  input: ${fig2Abs}\n  um_per_pix: 0.5\n  plating_edge: bottom\n`);
  writeFileSync(f('p-nested.yaml'), track('  segment: {high_sigmaa: 3}\n'));
  writeFileSync(f('p-type.yaml'), `track:\n  input: ${fig2Abs}\n  um_per_px: half\n  plating_edge: bottom\n`);
  writeFileSync(f('p-roi.yaml'), track('  roi: {x: 0, y: 0, width: 0, height: 10}\n'));
  writeFileSync(f('p-noinput.yaml'), 'track:\n  um_per_px: 0.5\n  plating_edge: bottom\n');
  writeFileSync(f('p-inputgone.yaml'), 'track:\n  input: gone.mp4\n  um_per_px: 0.5\n  plating_edge: bottom\n');
  writeFileSync(f('p-list.yaml'), '- track\n- fit\n');
  writeFileSync(f('p-empty.yaml'), '');
  writeFileSync(f('p-dupkey.yaml'), track('  plating_edge: top\n'));
  writeFileSync(f('p-track-scalar.yaml'), 'track: 5\n');
  // Fit inputs.
  const model = readFileSync(MODEL, 'utf8');
  writeFileSync(f('m-syntax.yaml'), 'model: reduced\nshape: [strip\n');
  writeFileSync(f('m-unknown.yaml'), model.replace(/^sigma_mS_per_cm/m, 'sigma_ms_per_cm'));
  writeFileSync(f('m-bounds-order.yaml'), model.replace('h_ext_um: [0.05, 5]', 'h_ext_um: [5, 0.05]'));
  writeFileSync(f('m-bounds-one.yaml'), model.replace('h_ext_um: [0.05, 5]', 'h_ext_um: [0.05]'));
  writeFileSync(f('m-model.yaml'), model.replace(/^model: reduced/m, 'model: quantum'));
  writeFileSync(f('m-temperature.yaml'), model.replace(/^temperature_K: 298.15/m, 'temperature_K: -5'));
  writeFileSync(f('inc-columns.csv'), 'inclusion_id,frame,t_s,front_x_um\n1,0,0,90\n1,1,0.5,91\n');
  writeFileSync(f('inc-truncated.csv'), readFileSync(INCL, 'utf8').slice(0, 300));
  writeFileSync(f('cur-nonnumeric.csv'), 't_s,current_mA\n0,abc\n');
  // Scenarios.
  const sc = readFileSync(SCENARIO, 'utf8');
  writeFileSync(f('s-unknown.yaml'), sc.replace(/^seed: 2/m, 'sed: 2'));
  writeFileSync(f('s-fps.yaml'), sc.replace('fps: 8,', 'fps: -8,'));
  writeFileSync(f('s-frames.yaml'), sc.replace('n_frames: 80', 'n_frames: 0'));
  writeFileSync(f('s-huge.yaml'), sc.replace('width_px: 320', 'width_px: 100000'));
  writeFileSync(f('s-type.yaml'), sc.replace('speed_um_per_s: 8.6', 'speed_um_per_s: fast'));
  writeFileSync(f('s-syntax.yaml'), 'seed: [1\n');
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const T = (input: string, o: string, ...extra: string[]) => ['track', input, '--um-per-px', '0.5', '--plating-edge', 'bottom', '--no-progress', '--no-report', '--out', out(o), ...extra];
const FIT = (o: string, over: { incl?: string; current?: string; model?: string } = {}, ...extra: string[]) => [
  'fit', over.incl ?? INCL, '--current', over.current ?? CURRENT, '--model-file', over.model ?? MODEL, '--out', out(o), ...extra,
];
const SIM = (scenario: string, o: string, ...extra: string[]) => ['simulate', scenario, '--out', out(o), '--quiet', ...extra];

/** [name, argv (built lazily: paths exist only after beforeAll), what the message must say]. */
const CASES: Array<[string, () => string[], RegExp]> = [
  // track: recordings
  ['track: empty file', () => T(f('empty.mp4'), 't1'), /empty\.mp4 is empty \(0 bytes\)/],
  ['track: text file named .mp4', () => T(f('notes.mp4'), 't2'), /notes\.mp4 is not a readable video/],
  ['track: audio-only file', () => T(f('audio.mp4'), 't3'), /audio\.mp4 has no video stream \(found: audio/],
  ['track: zero-frame video', () => T(f('zero.mp4'), 't4'), /zero\.mp4 has no (frames|video stream)/],
  ['track: MP4 cut in half (index at the end, so nothing is decodable)', () => T(f('trunc.mp4'), 't5'), /trunc\.mp4 is not a readable video: its MP4\/MOV index \(moov atom\) is missing/],
  ['track: folder with no images', () => T(f('no-images'), 't6'), /no PNG\/TIFF\/JPEG frames found at .*no-images/],
  ['track: image sequence of mixed frame sizes', () => T(f('mixed-sizes'), 't7', '--fps', '1'), /img_004\.png is 32×48 px but the first frame is 64×48 px/],
  ['track: damaged PNG in a sequence', () => T(f('damaged-png'), 't8', '--fps', '1'), /a_001\.png cannot be decoded/],
  ['track: 1-page TIFF with neither --timestamps nor --fps', () => T(f('one-page.tif'), 't9'), /one-page\.tif: TIFF stacks carry no frame times.*--timestamps.*--fps/],
  ['track: missing file', () => T(f('gone.mp4'), 't10'), /gone\.mp4 does not exist/],
  // track: timestamps
  ['track: timestamps CSV with a non-numeric time', () => T(f('one-page.tif'), 't11', '--timestamps', f('ts-nonnumeric.csv')), /ts-nonnumeric\.csv line 3: t_s "abc" is not a number/],
  ['track: timestamps CSV out of order', () => T(f('one-page.tif'), 't12', '--timestamps', f('ts-unsorted.csv')), /ts-unsorted\.csv line 4: t_s 0\.2 is not later than the previous frame's 0\.5/],
  ['track: timestamps CSV shorter than the stack', () => T('fixtures/tiff16/video.tif', 't13', '--timestamps', f('ts-short.csv')), /ts-short\.csv has 2 rows but .*video\.tif has 36 frames/],
  ['track: timestamps CSV without a header', () => T(f('one-page.tif'), 't14', '--timestamps', f('ts-noheader.csv')), /ts-noheader\.csv line 1: expected a header with columns frame,t_s/],
  ['track: --timestamps file missing', () => T(f('one-page.tif'), 't15', '--timestamps', f('gone.csv')), /--timestamps file not found: .*gone\.csv/],
  // track: flags
  ['track: --roi outside the frame', () => T(FIG2, 't16', '--roi', '300,200,100,100'), /--roi 300,200,100,100 reaches outside the 320×240 px frames/],
  ['track: --roi with three numbers', () => T(FIG2, 't17', '--roi', '1,2,3'), /--roi must be x,y,w,h/],
  ['track: --fps negative', () => T(f('one-page.tif'), 't18', '--fps', '-1'), /--fps must be a positive number \(got "-1"\)/],
  ['track: --max-frames fractional', () => T(FIG2, 't19', '--max-frames', '1.5'), /--max-frames must be a positive whole number \(got "1\.5"\)/],
  ['track: --plating-edge misspelt', () => ['track', FIG2, '--um-per-px', '0.5', '--plating-edge', 'botom', '--out', out('t20')], /--plating-edge must be one of top\|bottom\|left\|right \(got "botom"\)/],
  ['track: unknown flag', () => T(FIG2, 't21', '--bogus'), /unknown option '--bogus'/],
  ['track: no recording given', () => ['track', '--um-per-px', '0.5', '--plating-edge', 'bottom', '--out', out('t22')], /missing required argument 'video'/],
  ['track: --current file missing', () => T(FIG2, 't24', '--current', f('gone-current.csv')), /current log .*gone-current\.csv does not exist/],
  ['track: --current with a non-numeric current', () => T(FIG2, 't25', '--current', f('cur-nonnumeric.csv')), /cur-nonnumeric\.csv:2: current_mA = "abc" is not a/],
  ['track: --out is a file', () => ['track', FIG2, '--um-per-px', '0.5', '--plating-edge', 'bottom', '--out', f('not-a-folder')], /--out .*not-a-folder exists and is not a folder/],
  // run: pipeline YAML
  ['run: YAML syntax error', () => ['run', f('p-syntax.yaml'), '--out', out('r1')], /p-syntax\.yaml:\d+:\d+: YAML syntax error/],
  ['run: unknown key', () => ['run', f('p-unknown.yaml'), '--out', out('r2')], /unknown key track\.um_per_pix.*did you mean track\.um_per_px/],
  ['run: unknown nested key', () => ['run', f('p-nested.yaml'), '--out', out('r3')], /unknown key track\.segment\.high_sigmaa.*did you mean track\.segment\.high_sigma\b/],
  ['run: wrong type', () => ['run', f('p-type.yaml'), '--out', out('r4')], /track\.um_per_px expected number.*\(got "half"\)/],
  ['run: roi width 0', () => ['run', f('p-roi.yaml'), '--out', out('r5')], /track\.roi\.width .*>0.*\(got 0\)/],
  ['run: input missing', () => ['run', f('p-noinput.yaml'), '--out', out('r6')], /track\.input is required/],
  ['run: input file does not exist', () => ['run', f('p-inputgone.yaml'), '--out', out('r7')], /gone\.mp4 does not exist/],
  ['run: a list at the top level', () => ['run', f('p-list.yaml'), '--out', out('r8')], /expected a mapping at the top level/],
  ['run: empty file', () => ['run', f('p-empty.yaml'), '--out', out('r9')], /p-empty\.yaml: track is required/],
  ['run: duplicate key', () => ['run', f('p-dupkey.yaml'), '--out', out('r10')], /p-dupkey\.yaml:\d+:\d+: YAML syntax error: Map keys must be unique/],
  ['run: track is a number', () => ['run', f('p-track-scalar.yaml'), '--out', out('r11')], /track expected object.*\(got 5\)/],
  ['run: pipeline file missing', () => ['run', f('gone.yaml'), '--out', out('r12')], /pipeline file .*gone\.yaml does not exist/],
  ['run: --set without =', () => ['run', 'pipelines/demo.yaml', '--set', 'track.um_per_px', '--out', out('r13')], /--set expects key=value \(got "track\.um_per_px"\)/],
  ['run: --set a negative scale', () => ['run', 'pipelines/demo.yaml', '--set', 'track.um_per_px=-1', '--out', out('r14')], /track\.um_per_px .*>0.*\(got -1\)/],
  // fit
  ['fit: model YAML syntax error', () => FIT('f1', { model: f('m-syntax.yaml') }), /m-syntax\.yaml: not valid YAML/],
  ['fit: unknown model key', () => FIT('f2', { model: f('m-unknown.yaml') }), /unknown key "sigma_ms_per_cm".*did you mean "sigma_mS_per_cm"/],
  ['fit: bounds lower > upper', () => FIT('f3', { model: f('m-bounds-order.yaml') }), /bounds\.h_ext_um = \[5, 0\.05\]: lower must be < upper/],
  ['fit: bounds with one number', () => FIT('f4', { model: f('m-bounds-one.yaml') }), /bounds\.h_ext_um: .*2 items/],
  ['fit: unknown model kind', () => FIT('f5', { model: f('m-model.yaml') }), /model: .*"reduced"\|"fv2d" \(got "quantum"\)/],
  ['fit: negative temperature', () => FIT('f6', { model: f('m-temperature.yaml') }), /temperature_K: must be > 0 \(got -5\)/],
  ['fit: inclusions.csv missing columns', () => FIT('f7', { incl: f('inc-columns.csv') }), /inc-columns\.csv:1: column "front_y_um" is missing/],
  ['fit: inclusions.csv cut mid-row', () => FIT('f8', { incl: f('inc-truncated.csv') }), /inc-truncated\.csv:7: 1 cells, expected 10/],
  ['fit: current CSV non-numeric', () => FIT('f9', { current: f('cur-nonnumeric.csv') }), /cur-nonnumeric\.csv:2: current_mA = "abc" is not a (finite )?number/],
  ['fit: --bootstrap not a number', () => FIT('f10', {}, '--bootstrap', 'abc'), /--bootstrap must be a non-negative integer \(got "abc"\)/],
  ['fit: --inclusion not in the table', () => FIT('f11', {}, '--inclusion', '99'), /--inclusion 99: no such inclusion_id/],
  ['fit: model file missing', () => FIT('f12', { model: f('gone.yaml') }), /--model-file: cannot read .*gone\.yaml/],
  ['fit: --current not given', () => ['fit', INCL, '--model-file', MODEL, '--out', out('f13')], /required option '--current <file>' not specified/],
  // simulate
  ['simulate: unknown scenario key', () => SIM(f('s-unknown.yaml'), 's1'), /unknown key "sed".*did you mean "seed"/],
  ['simulate: negative fps', () => SIM(f('s-fps.yaml'), 's2'), /timing\.fps: .*>0 \(got -8\)/],
  ['simulate: zero frames', () => SIM(f('s-frames.yaml'), 's3'), /timing\.n_frames: .*>0 \(got 0\)/],
  ['simulate: frame too large', () => SIM(f('s-huge.yaml'), 's4'), /frame\.width_px: .*<=8192 \(got 100000\)/],
  ['simulate: wrong type', () => SIM(f('s-type.yaml'), 's5'), /scene\.dendrites\[0\]\.speed_um_per_s: .*expected number.*\(got "fast"\)/],
  ['simulate: YAML syntax error', () => SIM(f('s-syntax.yaml'), 's6'), /s-syntax\.yaml: not valid YAML/],
  ['simulate: unknown --format', () => SIM(SCENARIO, 's7', '--format', 'webm'), /--format: .*\(got "webm"\)/],
  ['simulate: scenario file missing', () => SIM(f('gone.yaml'), 's8'), /cannot read scenario file .*gone\.yaml/],
];

describe(`bad input: ${CASES.length} cases → exit 2, one line naming the problem, no stack trace, nothing written`, () => {
  for (const [name, argv, re] of CASES) {
    it(name, async () => {
      const args = argv();
      const outDir = args[args.indexOf('--out') + 1];
      const before = snapshot(outDir);
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.replace(/\n$/, '').split('\n');
      if (lines[0].startsWith('error: ')) {
        // commander's usage error: the error line, then the pointer to --help
        expect(lines).toHaveLength(2);
        expect(lines[1]).toMatch(/--help/);
      } else {
        expect(lines, r.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(/^lidtrack: /);
        expect(lines[0]).not.toMatch(/unexpected error|this is a bug/);
      }
      expect(lines[0]).toMatch(re);
      expect(r.stderr).not.toMatch(STACK_TRACE);
      expect(r.stdout).toBe('');
      expect(snapshot(outDir)).toEqual(before);
    });
  }
});

describe('damaged recordings that still hold frames: analysed, and the damage is reported', () => {
  it('MP4 cut in half with its index at the front: every decodable frame is analysed; ended-early warning on stderr, in summary.json and manifest.json', async () => {
    const o = out('trunc-faststart');
    const r = await runCli(T(f('trunc-faststart.mp4'), 'trunc-faststart'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    const warn = r.stderr.trim().split('\n');
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatch(/^lidtrack: warning: the recording ended early after (\d+) frames/);
    const summary = JSON.parse(readFileSync(join(o, 'summary.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(o, 'manifest.json'), 'utf8'));
    const n = summary.video.frames_processed as number;
    // Half the bytes of an 80-frame recording: roughly half the frames, all of them used.
    expect(n).toBeGreaterThan(25);
    expect(n).toBeLessThan(55);
    expect(summary.video.decode.framesDecoded).toBe(n);
    expect(summary.video.decode.endedEarly).toBe(true);
    expect(summary.warnings.join(' ')).toMatch(/ended early/);
    expect(manifest.notes.join(' ')).toMatch(new RegExp(`ended early after ${n} frames`));
    expect(listFiles(o)).toEqual(['branches.csv', 'manifest.json', 'summary.json', 'tracks.csv']);
  });

  it('corrupt bytes mid-stream: decoding goes on past the damage, lost frames keep the true times of the rest, decoder errors counted', async () => {
    // Bytes 40–45 % of the file damaged: frames around #32–36 of 80 (8 fps). 50 decoded frames
    // reach past the damage while keeping the test short.
    const o = out('corrupt');
    const r = await runCli(T(f('corrupt.mp4'), 'corrupt', '--max-frames', '50'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    const summary = JSON.parse(readFileSync(join(o, 'summary.json'), 'utf8'));
    const d = summary.video.decode;
    expect(summary.video.frames_processed).toBe(50);
    expect(d.decodeWarningCount).toBeGreaterThan(0);
    // The 50th decoded frame is later than 49/8 s: frames were lost, and times are the
    // recording's own (not index/fps). At most 10 of the first 60 frames lost.
    const lost = Math.round(d.lastTS * 8) - 49;
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBeLessThan(10);
    const tS = readFileSync(join(o, 'tracks.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
    expect(tS.length).toBeGreaterThan(0);
    for (const t of tS) expect(Math.abs(t * 8 - Math.round(t * 8))).toBeLessThan(1e-6); // on the 8 fps grid
    expect(summary.tracks.length).toBeGreaterThan(0);
  });

  it('a single-frame video: exit 0, one frame analysed, no tracks (a rate needs several frames)', async () => {
    const o = out('one');
    const r = await runCli(T(f('one.mp4'), 'one'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    const summary = JSON.parse(readFileSync(join(o, 'summary.json'), 'utf8'));
    expect(summary.video.frames_processed).toBe(1);
    expect(summary.tracks).toEqual([]);
    expect(summary.status).toBe('complete');
    expect(readFileSync(join(o, 'tracks.csv'), 'utf8').trim().split('\n')).toHaveLength(1); // header only
  });
});
