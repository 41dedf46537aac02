/**
 * The young generation's cap (src/cli/youngGeneration.ts), in child processes (the V8 flag is the
 * process's): objects that survive a few collections each, allocated between turns of the event
 * loop as a run's frames are, make V8 grow its young generation far beyond the cap without it,
 * and not beyond the cap with it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const MB = 1024 * 1024;

/** Young generation size [bytes] after the allocation loop, with the cap at `capMb` (0 = none). */
function youngAfterAllocating(capMb: number): { youngBytes: number; capped: boolean } {
  const script = `
    import { capYoungGeneration, youngGenerationBytes } from './src/cli/youngGeneration.ts';
    const cap = ${capMb} > 0 ? capYoungGeneration(${capMb} * 1024 * 1024, 5) : null;
    const keep = [];
    for (let frame = 0; frame < 400; frame++) {
      // a frame's objects: most die at once, one in twenty lives for the next 2000 allocations
      for (let i = 0; i < 10000; i++) {
        const o = { frame, i, xs: [i, i + 1] };
        if (i % 20 === 0) { keep.push(o); if (keep.length > 2000) keep.shift(); }
      }
      await new Promise((r) => setTimeout(r, 0));
    }
    console.log(JSON.stringify({ youngBytes: youngGenerationBytes(), capped: cap ? cap.capped() : false }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('young generation cap', () => {
  it('without the cap V8 grows the young generation to 16 MB or more; with a 4 MB cap it stays at 4 MB', () => {
    const free = youngAfterAllocating(0);
    expect(free.youngBytes).toBeGreaterThanOrEqual(16 * MB);
    const capped = youngAfterAllocating(4);
    expect(capped.capped).toBe(true);
    // (V8 grows by doubling: once stopped at ≥ 4 MB it is exactly 4 MB)
    expect(capped.youngBytes).toBe(4 * MB);
  }, 60_000);
});
