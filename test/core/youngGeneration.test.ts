/**
 * The young generation's cap (src/core/youngGeneration.ts), in child processes (the V8 flag is the
 * process's): objects that survive a few collections each, allocated between turns of the event
 * loop as a run's frames are, make V8 grow its young generation far beyond the cap without it,
 * not beyond the cap while one is held (two caps: until both are released), and again after.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const MB = 1024 * 1024;

/** Run `body` after the allocation helper `frames(n)`; it prints one JSON line. */
function child(body: string): Record<string, number | boolean> {
  const script = `
    import { capYoungGeneration, youngGenerationBytes } from './src/core/youngGeneration.ts';
    const keep = [];
    // n frames of objects: most die at once, one in twenty lives for the next 2000 allocations
    async function frames(n) {
      for (let frame = 0; frame < n; frame++) {
        for (let i = 0; i < 10000; i++) {
          const o = { frame, i, xs: [i, i + 1] };
          if (i % 20 === 0) { keep.push(o); if (keep.length > 2000) keep.shift(); }
        }
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    ${body}
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('young generation cap', () => {
  it('without a cap V8 grows the young generation to ≥ 16 MB', () => {
    const r = child(`await frames(400); console.log(JSON.stringify({ young: youngGenerationBytes() }));`);
    expect(r.young as number).toBeGreaterThanOrEqual(16 * MB);
  }, 60_000);

  it('a 4 MB cap holds it at 4 MB, also when one of two caps is released; released, it grows again', () => {
    const r = child(`
      const a = capYoungGeneration(4 * 1024 * 1024, 5), b = capYoungGeneration(4 * 1024 * 1024, 5);
      await frames(200);
      const held = youngGenerationBytes(), cappedHeld = a.capped();
      a.release();
      await frames(200);
      const oneLeft = youngGenerationBytes(), cappedOneLeft = b.capped();
      b.release();
      await frames(400);
      console.log(JSON.stringify({ held, cappedHeld, oneLeft, cappedOneLeft, after: youngGenerationBytes(), cappedAfter: b.capped() }));
    `);
    // (V8 grows by doubling: stopped at ≥ 4 MB, it is exactly 4 MB)
    expect(r).toMatchObject({ held: 4 * MB, cappedHeld: true, oneLeft: 4 * MB, cappedOneLeft: true, cappedAfter: false });
    expect(r.after as number).toBeGreaterThan(4 * MB);
  }, 60_000);
});
