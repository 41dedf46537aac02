/**
 * `lidtrack batch` for real: two fixtures (fig2, vfr) with --jobs 2 against their ground truth,
 * resumability, bad manifest rows (exit 2 with the line number), and the emitted SLURM
 * job-array script run on a single-node SLURM on localhost when slurm-wlm is installed (started
 * here), else run with bash once per SLURM_ARRAY_TASK_ID.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readBatchManifest, staleReason } from '../../src/pipeline/batch/index.js';
import { truthVelocities } from '../helpers/truth.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/lidtrack.js');
const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-batch-'));
const FIG2 = join(ROOT, 'fixtures/fig2/video.mp4');
const VFR = join(ROOT, 'fixtures/vfr/video.mp4');

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function csv(path: string): Array<Record<string, string>> {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((c, i) => [cols[i], c])));
}

/**
 * all_summary.csv of a batch folder = the per-recording summary.json tracks, with the recording
 * column; and every true dendrite of each fixture is among them within 2 % in velocity (whether
 * the tracker also reports extra tracks is the tracker's test, test/pipeline, not batch's).
 */
function checkSummary(dir: string, recordings: Record<string, string> = { fig2: join(dir, 'fig2'), vfr: join(dir, 'vfr') }) {
  const rows = csv(join(dir, 'all_summary.csv'));
  for (const [rec, out] of Object.entries(recordings)) {
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { tracks: Array<{ id: number; velocity_um_per_s: number; j_tip_ci95_A_per_cm2: number[] }> };
    const mine = rows.filter((x) => x.recording === rec);
    expect(mine.map((x) => Number(x.track_id))).toEqual(s.tracks.map((t) => t.id));
    mine.forEach((x, i) => {
      expect(Number(x.velocity_um_per_s)).toBeCloseTo(s.tracks[i].velocity_um_per_s, 4);
      expect(Number(x.j_tip_ci95_hi_A_per_cm2)).toBeCloseTo(s.tracks[i].j_tip_ci95_A_per_cm2[1], 4);
    });
    for (const vt of truthVelocities(join(ROOT, `fixtures/${rec}/truth_tracks.csv`)).values()) {
      expect(mine.some((x) => Math.abs(Number(x.velocity_um_per_s) / vt - 1) < 0.02), `${rec}: a track at ${vt} µm/s ±2 %`).toBe(true);
    }
  }
  for (const r of rows) {
    const [v, lo, hi] = [r.velocity_um_per_s, r.velocity_ci95_lo_um_per_s, r.velocity_ci95_hi_um_per_s].map(Number);
    expect(lo).toBeLessThan(v);
    expect(hi).toBeGreaterThan(v);
    expect(Number(r.j_tip_A_per_cm2) / v).toBeCloseTo(0.7338, 3); // zF/V_m: 1 µm/s ↔ 0.7338 A/cm²
  }
  return rows.length;
}

const manifest = join(tmp, 'runs.csv');
writeFileSync(manifest, `# two fixtures\npath,um_per_px,plating_edge,name\n${FIG2},0.5,bottom,fig2\n${VFR},0.5,bottom,vfr\n`);

describe('batch on fig2 + vfr, --jobs 2', () => {
  const out = join(tmp, 'out');
  const first = cli(['batch', manifest, '--jobs', '2', '--out', out, '--no-report']);

  it('tracks both recordings and writes the combined tables', () => {
    expect(first.err).toMatch(/fig2: complete/);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/2 tracked, 0 skipped/);
    checkSummary(out);
    const all = csv(join(out, 'all_tracks.csv'));
    const fig2 = csv(join(out, 'fig2/tracks.csv'));
    const vfr = csv(join(out, 'vfr/tracks.csv'));
    expect(all).toHaveLength(fig2.length + vfr.length);
    expect(readFileSync(join(out, 'all_tracks.csv'), 'utf8').startsWith('recording,track_id,frame,t_s,tip_x_px,tip_y_px,tip_x_um,tip_y_um,length_um')).toBe(true);
    expect(all.filter((r) => r.recording === 'vfr').map((r) => r.tip_y_px)).toEqual(vfr.map((r) => r.tip_y_px));
  });

  it('the two recordings ran concurrently (their track runs overlap in time)', () => {
    const span = (r: string) => {
      const m = JSON.parse(readFileSync(join(out, r, 'manifest.json'), 'utf8'));
      return [Date.parse(m.started_at), Date.parse(m.finished_at)];
    };
    const [a, b] = [span('fig2'), span('vfr')];
    expect(Math.max(a[0], b[0])).toBeLessThan(Math.min(a[1], b[1]));
  });

  it('is resumable: a second run skips complete recordings and leaves their results untouched', () => {
    const before = statSync(join(out, 'fig2/manifest.json')).mtimeMs;
    const second = cli(['batch', manifest, '--jobs', '2', '--out', out, '--no-report']);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/0 tracked, 2 skipped/);
    expect(statSync(join(out, 'fig2/manifest.json')).mtimeMs).toBe(before);
    checkSummary(out);
  });

  it('complete results made with other options are stale (a corrected scale re-tracks, not skips)', () => {
    const m2 = join(tmp, 'changed.csv');
    writeFileSync(m2, `path,um_per_px,plating_edge,name,out\n${FIG2},0.25,bottom,fig2,${join(out, 'fig2')}\n${VFR},0.5,bottom,vfr,${join(out, 'vfr')}\n`);
    const [fig2, vfr] = readBatchManifest(m2).entries;
    expect(staleReason(fig2)).toBe('options changed since the complete run: um_per_px 0.5 → 0.25');
    expect(staleReason(vfr)).toBeNull();
    expect(staleReason({ ...vfr, out: join(tmp, 'nowhere') })).toBe('no results yet');
  });
});

describe('bad manifests: exit 2, one line naming the line number', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['neg.csv', `path,um_per_px,plating_edge\n${FIG2},0.5,bottom\n\n${VFR},-1,bottom\n`, /neg\.csv line 4: um_per_px must be a positive number.*got "-1"/],
    ['edge.csv', `path,um_per_px,plating_edge\n${FIG2},0.5,bottum\n`, /edge\.csv line 2: plating_edge must be one of top\|bottom\|left\|right \(got "bottum"\)/],
    ['missing.csv', `path,um_per_px,plating_edge\n${FIG2},0.5,top\n/nonexistent/x.mp4,0.5,top\n`, /missing\.csv line 3: recording \/nonexistent\/x\.mp4 does not exist/],
    ['cells.csv', `path,um_per_px,plating_edge\n${FIG2},0.5\n`, /cells\.csv line 2: 2 cells but the header has 3/],
    ['col.csv', `path,um_per_pix,plating_edge\n${FIG2},0.5,top\n`, /col\.csv line 1: unknown column "um_per_pix".*did you mean "um_per_px"/],
    ['m.yaml', `defaults: {um_per_px: 0.5}\nrecordings:\n  - {path: ${FIG2}, plating_edge: top}\n  - {path: ${VFR}}\n`, /m\.yaml line 4: plating_edge is missing/],
  ];
  for (const [name, text, re] of cases) {
    it(name, () => {
      writeFileSync(join(tmp, name), text);
      let err: unknown = null;
      try {
        readBatchManifest(join(tmp, name));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).oneLine()).toMatch(re);
    });
  }
  it('through the CLI: exit 2, one stderr line, nothing written', () => {
    const r = cli(['batch', join(tmp, 'neg.csv'), '--jobs', '2', '--out', join(tmp, 'bad-out')]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^lidtrack: neg\.csv line 4: um_per_px must be a positive number/);
    expect(existsSync(join(tmp, 'bad-out'))).toBe(false);
  });
});

describe('manifest forms', () => {
  it('a folder with lidtrack-batch.yaml: defaults for every recording, per-file overrides', () => {
    const dir = join(tmp, 'folder');
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('ln', ['-s', FIG2, join(dir, 'cellA.mp4')]);
    execFileSync('ln', ['-s', VFR, join(dir, 'cellB.mp4')]);
    writeFileSync(join(dir, 'lidtrack-batch.yaml'), 'defaults: {um_per_px: 0.5, plating_edge: bottom}\nrecordings:\n  - {path: cellB.mp4, um_per_px: 0.25, plating_edge: bottom}\n');
    const m = readBatchManifest(dir);
    expect(m.entries.map((e) => [e.recording, e.umPerPx, e.out])).toEqual([
      ['cellA', 0.5, join(dir, 'lidtrack-batch/cellA')],
      ['cellB', 0.25, join(dir, 'lidtrack-batch/cellB')],
    ]);
  });
  it('same file name in two folders: names prefixed by the folder; relative paths from the manifest', () => {
    const p = join(ROOT, 'fixtures/m.csv');
    const m = readBatchManifest(manifest);
    expect(m.entries.map((e) => e.recording)).toEqual(['fig2', 'vfr']);
    writeFileSync(join(tmp, 'rel.yaml'), `- {path: ${FIG2}, um_per_px: 0.5, plating_edge: bottom}\n- {path: ${VFR}, um_per_px: 0.5, plating_edge: bottom, out: res/v}\n`);
    const y = readBatchManifest(join(tmp, 'rel.yaml'), join(tmp, 'combined'));
    expect(y.entries.map((e) => e.recording)).toEqual(['fig2_video', 'vfr_video']);
    expect(y.entries[1].out).toBe(join(tmp, 'res/v'));
    expect(y.entries[0].out).toBe(join(tmp, 'combined/fig2_video'));
    expect(existsSync(p)).toBe(false);
  });
});

// ---- SLURM: a real single-node cluster when slurm-wlm + munge are installed; else bash per task.
const slurmDir = join(tmp, 'slurm');
const haveSlurm = spawnSync('sh', ['-c', 'command -v slurmctld && command -v munged'], { encoding: 'utf8' }).status === 0;
let slurmConf: string | null = null;
if (haveSlurm) {
  const up = spawnSync('bash', [join(ROOT, 'test/batch/slurm-localhost.sh'), slurmDir], { encoding: 'utf8', timeout: 60_000 });
  if (up.status !== 0) throw new Error(`slurm-wlm is installed but a localhost cluster did not start: ${up.stderr}`);
  slurmConf = join(slurmDir, 'slurm.conf');
}
afterAll(() => {
  if (slurmConf) spawnSync('bash', [join(ROOT, 'test/batch/slurm-localhost.sh'), slurmDir, 'stop']);
});

describe(`--emit-slurm: the job-array script run ${haveSlurm ? 'by sbatch on a localhost SLURM' : 'with bash per SLURM_ARRAY_TASK_ID'}, then --collect`, () => {
  const out = join(tmp, 'slurm-out');
  const script = join(tmp, 'job.sh');

  it('one array task per manifest row; tasks produce complete results; --collect merges them', async () => {
    const e = cli(['batch', manifest, '--out', out, '--no-report', '--emit-slurm', script, '--slurm-cpus', '1']);
    expect(e.code).toBe(0);
    const text = readFileSync(script, 'utf8');
    expect(text).toMatch(/#SBATCH --array=0-1\n/);
    expect(text).toMatch(/#SBATCH --cpus-per-task=1\n/);
    expect(text).toMatch(/--only-index "\$SLURM_ARRAY_TASK_ID"/);
    const env = slurmConf ? { SLURM_CONF: slurmConf } : {};
    if (slurmConf) {
      const jid = execFileSync('sbatch', ['--parsable', script], { encoding: 'utf8', env: { ...process.env, ...env } }).trim();
      for (let i = 0; i < 110; i++) {
        const q = execFileSync('squeue', ['-h', '-j', jid], { encoding: 'utf8', env: { ...process.env, ...env } }).trim();
        if (!q) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      const state = execFileSync('scontrol', ['show', 'job', jid], { encoding: 'utf8', env: { ...process.env, ...env } });
      expect(state.match(/JobState=\w+/g)).toEqual(['JobState=COMPLETED', 'JobState=COMPLETED']);
      expect(existsSync(join(out, `logs/slurm-${jid}_0.out`))).toBe(true);
    } else {
      for (const id of ['0', '1']) {
        const r = spawnSync('bash', [script], { encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: id }, timeout: 120_000 });
        expect(r.status).toBe(0);
      }
    }
    for (const r of ['fig2', 'vfr']) expect(JSON.parse(readFileSync(join(out, r, 'manifest.json'), 'utf8')).status).toBe('complete');
    expect(existsSync(join(out, 'all_summary.csv'))).toBe(false); // array tasks do not merge
    const c = cli(['batch', manifest, '--out', out, '--collect']);
    expect(c.code).toBe(0);
    const n = checkSummary(out);
    expect(c.out).toMatch(new RegExp(`combined 2/2 recording\\(s\\), ${n} dendrite track\\(s\\)`));
  }, 150_000);

  it('--collect with a recording not (yet) done lists it and exits 1', () => {
    const m3 = join(tmp, 'partial.csv');
    writeFileSync(m3, `path,um_per_px,plating_edge,name,out\n${FIG2},0.5,bottom,fig2,${join(tmp, 'out/fig2')}\n${VFR},0.5,bottom,vfr,${join(tmp, 'never-run')}\n`);
    const part = join(tmp, 'partial-out');
    const c = cli(['batch', m3, '--out', part, '--collect']);
    expect(c.code).toBe(1);
    expect(c.out).toMatch(/combined 1\/2 recording\(s\), \d+ dendrite track\(s\).*\n.*not merged.*vfr \(missing\)/);
    expect(csv(join(part, 'batch_status.csv')).map((x) => x.status)).toEqual(['complete', 'missing']);
    expect(checkSummary(part, { fig2: join(tmp, 'out/fig2') })).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
