import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashInput } from '../../src/report/runFiles.js';

const sha = (...parts: Array<string | Buffer>) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return 'sha256:' + h.digest('hex');
};

describe('hashInput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lidtrack-hash-'));
  // larger than one read piece (1 MiB) and not a multiple of it
  const big = randomBytes((5 << 20) / 2 + 12345);
  const small = Buffer.from('frame 2');

  it('is the SHA-256 of a file read in pieces (exact)', async () => {
    const f = join(dir, 'rec.bin');
    writeFileSync(f, big);
    expect(await hashInput(f)).toBe(sha(big));
    const empty = join(dir, 'empty.bin');
    writeFileSync(empty, '');
    expect(await hashInput(empty)).toBe(sha(''));
  });

  it('of a folder: the sorted names, sizes and contents', async () => {
    const seq = join(dir, 'seq');
    mkdirSync(seq);
    writeFileSync(join(seq, 'b.tif'), small);
    writeFileSync(join(seq, 'a.tif'), big);
    expect(await hashInput(seq)).toBe(sha(`a.tif\0${big.length}\0`, big, `b.tif\0${small.length}\0`, small));
  });
});
