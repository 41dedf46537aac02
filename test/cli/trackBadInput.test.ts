/**
 * Bad input to `lidtrack track` / `run`: exit code 2, one line on stderr naming the problem
 * and the fix, no stack trace, nothing written or overwritten.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-cli-'));

async function cli(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '', stdout = '';
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  try {
    const code = await main(args);
    return { code, stderr, stdout };
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
}

const video = 'fixtures/fig2/video.mp4';
const ok = (out: string) => ['track', video, '--um-per-px', '0.5', '--plating-edge', 'bottom', '--out', out, '--no-progress'];

describe('lidtrack track: bad input → exit 2, one line, no stack trace, nothing written', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['missing file', ['track', join(tmp, 'nope.mp4'), '--um-per-px', '0.5', '--plating-edge', 'bottom', '--out', join(tmp, 'o1')], /does not exist/],
    ['not a video', ['track', 'package.json', '--um-per-px', '0.5', '--plating-edge', 'bottom', '--out', join(tmp, 'o2')], /not a readable video|not a video|unsupported/i],
    ['--um-per-px zero', [...ok(join(tmp, 'o3')).map((a) => (a === '0.5' ? '0' : a))], /--um-per-px must be a positive number/],
    ['--um-per-px negative', [...ok(join(tmp, 'o4')).map((a) => (a === '0.5' ? '-2' : a))], /--um-per-px must be a positive number/],
    ['--um-per-px not a number', [...ok(join(tmp, 'o5')).map((a) => (a === '0.5' ? 'half' : a))], /--um-per-px must be a positive number/],
    ['unknown --plating-edge', [...ok(join(tmp, 'o6')).map((a) => (a === 'bottom' ? 'middle' : a))], /--plating-edge must be one of top\|bottom\|left\|right/],
    ['missing --um-per-px', ['track', video, '--plating-edge', 'bottom', '--out', join(tmp, 'o7')], /--um-per-px is required/],
    ['bad --roi', [...ok(join(tmp, 'o8')), '--roi', '1,2,3'], /--roi must be x,y,w,h/],
  ];
  for (const [name, args, re] of cases) {
    it(name, async () => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const out = args[args.indexOf('--out') + 1];
      expect(existsSync(out)).toBe(false);
    });
  }

  it('an --out that holds results is not overwritten without --force', async () => {
    const out = join(tmp, 'existing');
    mkdirSync(out);
    writeFileSync(join(out, 'tracks.csv'), 'precious\n');
    const r = await cli(ok(out));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').length).toBe(1);
    expect(r.stderr).toMatch(/already holds results.*--force/);
    expect(readFileSync(join(out, 'tracks.csv'), 'utf8')).toBe('precious\n');
  });

  it('pipeline YAML: unknown key names the nearest valid key', async () => {
    const f = join(tmp, 'p.yaml');
    writeFileSync(f, 'track:\n  input: x.mp4\n  um_per_pix: 0.5\n  plating_edge: bottom\n  out: o\n');
    const r = await cli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown key track\.um_per_pix.*did you mean track\.um_per_px/);
  });

  it('pipeline YAML syntax error gives line and column', async () => {
    const f = join(tmp, 'bad.yaml');
    writeFileSync(f, 'track:\n  input: [x.mp4\n  um_per_px: 0.5\n');
    const r = await cli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: YAML syntax error/);
  });
});
