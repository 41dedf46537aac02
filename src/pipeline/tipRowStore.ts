/**
 * The tip rows of a run, kept until its end (fragments are merged and tracks measured there), in
 * columns of numbers rather than as JS objects (issue 7: memory flat in video length).
 *
 * A 10-minute 1080p recording gives ≈ 46 000 raw tip rows. As objects (13 fields, most of them
 * boxed doubles) they took ≈ 13 MB of V8's old space, which V8 then enlarged by its growth factor,
 * and every full collection walked them: the 10-minute run's RSS grew by ≈ 25 MB where it grew by
 * ≈ 14 MB without them. Here a row is 13 float64s in a fixed-size chunk allocated once (outside
 * V8's heap, never moved or freed during the run): 104 B a row.
 *
 * At the end, `refs()` gives each row as a small object that reads its fields from the store (a
 * FragmentRow for mergeFragments), and only the rows of the tracks kept are made into TrackRow
 * objects (`row(i)`). Every number is stored exactly (NaN, −0 included); `refined` as 0/1 and an
 * absent `regionLabel` as NaN.
 */
import type { TrackRow } from '../report/tables.js';

/** The stored fields, in the order of a row's numbers. */
export const TIP_ROW_FIELDS = ['trackId', 'frame', 'tS', 'tipXPx', 'tipYPx', 'lengthPx', 'tipSigmaPx', 'areaPx', 'refined', 'heightPx', 'canonU', 'canonV', 'regionLabel'] as const;
const NF = TIP_ROW_FIELDS.length;
/** Position of a field in a row (from the list above: one order for the store and its snapshots). */
const at = (f: (typeof TIP_ROW_FIELDS)[number]) => TIP_ROW_FIELDS.indexOf(f);
const F_TRACK = at('trackId'), F_FRAME = at('frame'), F_T = at('tS'), F_X = at('tipXPx'), F_Y = at('tipYPx'), F_LEN = at('lengthPx'), F_SIG = at('tipSigmaPx');
const F_AREA = at('areaPx'), F_REF = at('refined'), F_H = at('heightPx'), F_U = at('canonU'), F_V = at('canonV'), F_LABEL = at('regionLabel');

/** Rows per chunk (4096 × 13 × 8 B = 416 KiB). */
const CHUNK_ROWS = 4096;
const CHUNK_SHIFT = 12;

/** A checkpoint's copy of the rows: the chunks in order, the last one cut to its rows (views, no copy). */
export interface TipRowsSnapshot {
  fields: string[];
  length: number;
  chunks: Float64Array[];
}

/** The fields of a stored row that the fragment merger and the end's filters read. */
export interface TipRowRef {
  readonly index: number;
  readonly trackId: number;
  readonly frame: number;
  readonly tS: number;
  readonly tipXPx: number;
  readonly tipYPx: number;
  readonly heightPx: number;
  readonly canonU: number;
  readonly canonV: number;
}

export class TipRowStore {
  private chunks: Float64Array[] = [];
  private n = 0;

  get length(): number {
    return this.n;
  }

  push(r: Omit<TrackRow, 'smoothXPx' | 'smoothYPx' | 'smoothLengthPx'>): void {
    const k = this.n >> CHUNK_SHIFT;
    if (k === this.chunks.length) this.chunks.push(new Float64Array(CHUNK_ROWS * NF));
    const c = this.chunks[k], o = (this.n & (CHUNK_ROWS - 1)) * NF;
    c[o + F_TRACK] = r.trackId;
    c[o + F_FRAME] = r.frame;
    c[o + F_T] = r.tS;
    c[o + F_X] = r.tipXPx;
    c[o + F_Y] = r.tipYPx;
    c[o + F_LEN] = r.lengthPx;
    c[o + F_SIG] = r.tipSigmaPx;
    c[o + F_AREA] = r.areaPx;
    c[o + F_REF] = r.refined ? 1 : 0;
    c[o + F_H] = r.heightPx;
    c[o + F_U] = r.canonU;
    c[o + F_V] = r.canonV;
    c[o + F_LABEL] = r.regionLabel ?? NaN;
    this.n++;
  }

  /** Field `f` (an index into TIP_ROW_FIELDS) of row i. */
  get(i: number, f: number): number {
    return this.chunks[i >> CHUNK_SHIFT][(i & (CHUNK_ROWS - 1)) * NF + f];
  }

  /** Row i as a new TrackRow object (the same fields it was pushed with). */
  row(i: number): TrackRow {
    const c = this.chunks[i >> CHUNK_SHIFT], o = (i & (CHUNK_ROWS - 1)) * NF;
    const label = c[o + F_LABEL];
    return {
      trackId: c[o + F_TRACK], frame: c[o + F_FRAME], tS: c[o + F_T], tipXPx: c[o + F_X], tipYPx: c[o + F_Y], lengthPx: c[o + F_LEN],
      heightPx: c[o + F_H], tipSigmaPx: c[o + F_SIG], areaPx: c[o + F_AREA], refined: c[o + F_REF] === 1, canonU: c[o + F_U], canonV: c[o + F_V],
      regionLabel: Number.isNaN(label) ? undefined : label,
    };
  }

  /** Every row as a reference into the store (≈ 20 B each instead of a whole row object). */
  refs(): TipRowRef[] {
    const out = new Array<TipRowRef>(this.n);
    for (let i = 0; i < this.n; i++) out[i] = new StoredRow(this, i);
    return out;
  }

  /** Smallest and largest time of the rows [s] (null when there are none). */
  timeRange(): { minS: number; maxS: number } | null {
    if (this.n === 0) return null;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < this.n; i++) {
      const t = this.get(i, F_T);
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    return { minS: lo, maxS: hi };
  }

  /** The rows for a checkpoint: views of the chunks (no copy; valid until the next push). */
  snapshot(): TipRowsSnapshot {
    const full = this.n >> CHUNK_SHIFT, rest = this.n & (CHUNK_ROWS - 1);
    const chunks = this.chunks.slice(0, full);
    if (rest) chunks.push(this.chunks[full].subarray(0, rest * NF));
    return { fields: [...TIP_ROW_FIELDS], length: this.n, chunks };
  }

  /** The store of a checkpoint's rows (throws when the snapshot does not hold them). */
  static fromSnapshot(s: TipRowsSnapshot): TipRowStore {
    if (s.fields.join() !== TIP_ROW_FIELDS.join()) throw new Error(`tip rows with fields ${s.fields.join(', ')}, not ${TIP_ROW_FIELDS.join(', ')}`);
    const total = s.chunks.reduce((a, c) => a + c.length, 0);
    if (total !== s.length * NF) throw new Error(`tip rows: ${total} numbers for ${s.length} rows of ${NF}`);
    const st = new TipRowStore();
    let i = 0;
    for (const c of s.chunks) {
      for (let o = 0; o < c.length; o += NF) {
        const k = i >> CHUNK_SHIFT;
        if (k === st.chunks.length) st.chunks.push(new Float64Array(CHUNK_ROWS * NF));
        st.chunks[k].set(c.subarray(o, o + NF), (i & (CHUNK_ROWS - 1)) * NF);
        i++;
      }
    }
    st.n = i;
    return st;
  }
}

/** A row read from the store (the fields the end of a run needs before it keeps a track). */
class StoredRow implements TipRowRef {
  constructor(private readonly store: TipRowStore, readonly index: number) {}
  get trackId() { return this.store.get(this.index, F_TRACK); }
  get frame() { return this.store.get(this.index, F_FRAME); }
  get tS() { return this.store.get(this.index, F_T); }
  get tipXPx() { return this.store.get(this.index, F_X); }
  get tipYPx() { return this.store.get(this.index, F_Y); }
  get heightPx() { return this.store.get(this.index, F_H); }
  get canonU() { return this.store.get(this.index, F_U); }
  get canonV() { return this.store.get(this.index, F_V); }
}
