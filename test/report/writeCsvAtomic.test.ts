import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCsvAtomic } from '../../src/report/atomic.js';

describe('writeCsvAtomic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lidtrack-csv-'));

  it('writes every row exactly across many pieces (multi-byte text, quoting, one row longer than a piece)', () => {
    const rows: Array<Array<string | number>> = [];
    for (let i = 0; i < 30_000; i++) rows.push([i, i / 7, i % 5 === 0 ? 'µm, "Li"' : 'é', -i]);
    rows.splice(12_345, 0, ['x'.repeat(300_000), 'µ'.repeat(70_000), 1]);
    const path = join(dir, 't.csv');
    writeCsvAtomic(path, ['id', 'v', 'note', 'neg'], rows);
    const fmt = (c: string | number) => {
      const s = typeof c === 'number' ? (Number.isInteger(c) ? String(c) : String(Number(c.toPrecision(6)))) : c;
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const expected = ['id,v,note,neg', ...rows.map((r) => r.map(fmt).join(','))].join('\n') + '\n';
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });
});
