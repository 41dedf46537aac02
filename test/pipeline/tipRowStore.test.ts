/**
 * The tip rows' store (src/pipeline/tipRowStore.ts): every row comes back exactly as it was
 * pushed (NaN, −0, an absent region label, booleans), across chunk boundaries, through the
 * references the end of a run reads, and through a checkpoint file and back (--resume).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpointFile, writeCheckpointFile } from '../../src/pipeline/checkpoint.js';
import { TipRowStore, type TipRowsSnapshot } from '../../src/pipeline/tipRowStore.js';
import type { TrackRow } from '../../src/report/tables.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-rowstore-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Row i: irregular values, with the special ones at fixed rows. */
function rowAt(i: number): TrackRow {
  return {
    trackId: (i * 7919) % 613, frame: i >> 2, tS: i * 0.04 + 1e-9, tipXPx: i === 5 ? NaN : Math.sin(i) * 1e3, tipYPx: i === 6 ? -0 : Math.cos(i) * 717.3,
    lengthPx: i / 3, heightPx: i / 3 + 0.25, tipSigmaPx: 0.1 + (i % 11) / 100, areaPx: i % 97, refined: i % 3 === 0,
    canonU: 1920 - i / 9, canonV: i % 1080, regionLabel: i % 5 === 0 ? undefined : i % 251,
  };
}

function filled(n: number): TipRowStore {
  const s = new TipRowStore();
  for (let i = 0; i < n; i++) s.push(rowAt(i));
  return s;
}

/** Through a checkpoint file and back, as --resume does. */
function viaFile(snap: TipRowsSnapshot, name: string): TipRowsSnapshot {
  const f = join(tmp, name, 'state.bin');
  writeCheckpointFile(f, { format: 2, lidtrack_version: 'x', endianness: 'LE', written_at: '', config: {}, config_hash: '', input_hash: '', last_frame: 0, frames: 0 }, { rows: snap });
  return (readCheckpointFile(f).state as { rows: TipRowsSnapshot }).rows;
}

describe('TipRowStore', () => {
  it('gives back every row exactly (NaN, −0, absent label, booleans), across chunks of 4096 rows', () => {
    const n = 10_001;
    const s = filled(n);
    expect(s.length).toBe(n);
    for (const i of [0, 5, 6, 4095, 4096, 8191, 8192, n - 1]) expect(s.row(i)).toStrictEqual(rowAt(i));
    for (let i = 0; i < n; i++) {
      const r = s.row(i), want = rowAt(i);
      if (!Object.is(r.tipXPx, want.tipXPx) || !Object.is(r.tipYPx, want.tipYPx) || r.regionLabel !== want.regionLabel || r.refined !== want.refined) throw new Error(`row ${i}`);
    }
    expect(Object.is(s.row(6).tipYPx, -0)).toBe(true);
    expect(Number.isNaN(s.row(5).tipXPx)).toBe(true);
  });

  it('references read the stored fields of their row', () => {
    const s = filled(5000);
    const refs = s.refs();
    expect(refs).toHaveLength(5000);
    for (const i of [0, 7, 4095, 4096, 4999]) {
      const r = refs[i], want = rowAt(i);
      expect(r.index).toBe(i);
      expect([r.trackId, r.frame, r.tS, r.tipXPx, r.tipYPx, r.heightPx, r.canonU, r.canonV]).toStrictEqual([want.trackId, want.frame, want.tS, want.tipXPx, want.tipYPx, want.heightPx, want.canonU, want.canonV]);
    }
  });

  it('time range of the rows; none for an empty store', () => {
    expect(new TipRowStore().timeRange()).toBeNull();
    const r = filled(9000).timeRange()!;
    expect(r.minS).toBe(rowAt(0).tS);
    expect(r.maxS).toBe(rowAt(8999).tS);
  });

  it('through a checkpoint file and back: the same rows, and pushing on continues where it stopped', () => {
    for (const n of [0, 3, 4096, 4097, 9000]) {
      const back = TipRowStore.fromSnapshot(viaFile(filled(n).snapshot(), `n${n}`));
      expect(back.length).toBe(n);
      for (let i = n; i < n + 5000; i++) back.push(rowAt(i));
      const whole = filled(n + 5000);
      for (const i of [0, n - 1, n, n + 1, 4095, 4096, n + 4999].filter((i) => i >= 0 && i < n + 5000)) expect(back.row(i)).toStrictEqual(whole.row(i));
    }
  });

  it('a snapshot is views of the chunks, not copies', () => {
    const s = filled(5000);
    const snap = s.snapshot();
    expect(snap.chunks.map((c) => c.length)).toEqual([4096 * 13, 904 * 13]);
    expect(snap.chunks[1].buffer.byteLength).toBe(4096 * 13 * 8);
  });

  it('refuses a snapshot of other fields or the wrong count', () => {
    const snap = filled(10).snapshot();
    expect(() => TipRowStore.fromSnapshot({ ...snap, fields: snap.fields.slice(1) })).toThrow(/fields/);
    expect(() => TipRowStore.fromSnapshot({ ...snap, length: 11 })).toThrow(/130 numbers for 11 rows/);
  });
});
