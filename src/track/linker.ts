/**
 * Linking tips into tracks with stable ids. Each open track predicts its next tip from its
 * recent velocity (per second of true time, so irregular frame intervals are handled); the
 * detections of a frame are assigned greedily by increasing distance to the predictions,
 * within a gate. A track survives missing frames (up to `maxGapFrames`); a detection that no
 * track claims starts a new track. Ids are given in order of creation (ties by position), so
 * the same input always gives the same ids.
 */

export interface LinkOptions {
  /** Minimum gate radius [px]. */
  gatePx: number;
  /** Gate grows with the predicted displacement: gate = gatePx + gateFactor·|Δ|. */
  gateFactor: number;
  /** Frames a track may miss before it is closed. */
  maxGapFrames: number;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = { gatePx: 8, gateFactor: 1.5, maxGapFrames: 25 };

export interface LinkDetection {
  u: number;
  v: number;
}

/** A track the linker may still extend (part of its snapshot). */
export interface OpenTrack {
  id: number;
  lastU: number;
  lastV: number;
  lastT: number;
  lastFrame: number;
  /** Velocity estimate [px/s] in u and v. */
  vu: number;
  vv: number;
  n: number;
}

/** Everything the linker carries from one frame to the next (Linker.snapshot / restore). */
export interface LinkerSnapshot {
  open: OpenTrack[];
  nextId: number;
}

export class Linker {
  private open: OpenTrack[] = [];
  private nextId = 1;
  constructor(readonly opts: LinkOptions = DEFAULT_LINK_OPTIONS) {}

  /** The state after the frames seen so far (a copy: later steps do not change it). */
  snapshot(): LinkerSnapshot {
    return { open: this.open.map((t) => ({ ...t })), nextId: this.nextId };
  }

  /** Continue from a snapshot: the next step() gives what it would have given after the snapshot's frames. */
  restore(s: LinkerSnapshot): void {
    this.open = s.open.map((t) => ({ ...t }));
    this.nextId = s.nextId;
  }

  /**
   * Assign this frame's detections to tracks.
   * @returns the track id of each detection (same order as `dets`)
   */
  step(frame: number, tS: number, dets: LinkDetection[]): number[] {
    const ids = new Array<number>(dets.length).fill(0);
    this.open = this.open.filter((t) => frame - t.lastFrame <= this.opts.maxGapFrames + 1);
    const pairs: Array<{ cost: number; ti: number; di: number }> = [];
    this.open.forEach((t, ti) => {
      const dt = tS - t.lastT;
      const pu = t.lastU + t.vu * dt, pv = t.lastV + t.vv * dt;
      const disp = Math.hypot(t.vu * dt, t.vv * dt);
      const gate = this.opts.gatePx + this.opts.gateFactor * disp;
      dets.forEach((d, di) => {
        const c = Math.hypot(d.u - pu, d.v - pv);
        if (c <= gate) pairs.push({ cost: c, ti, di });
      });
    });
    pairs.sort((a, b) => a.cost - b.cost || a.ti - b.ti || a.di - b.di);
    const usedT = new Set<number>(), usedD = new Set<number>();
    for (const p of pairs) {
      if (usedT.has(p.ti) || usedD.has(p.di)) continue;
      usedT.add(p.ti);
      usedD.add(p.di);
      const t = this.open[p.ti], d = dets[p.di];
      const dt = tS - t.lastT;
      if (dt > 0) {
        // exponential smoothing of the velocity; the first step takes the raw value
        const a = t.n < 2 ? 1 : 0.3;
        t.vu = (1 - a) * t.vu + (a * (d.u - t.lastU)) / dt;
        t.vv = (1 - a) * t.vv + (a * (d.v - t.lastV)) / dt;
      }
      t.lastU = d.u;
      t.lastV = d.v;
      t.lastT = tS;
      t.lastFrame = frame;
      t.n++;
      ids[p.di] = t.id;
    }
    const fresh = dets.map((d, di) => ({ d, di })).filter((x) => !usedD.has(x.di)).sort((a, b) => a.d.u - b.d.u);
    for (const { d, di } of fresh) {
      const t: OpenTrack = { id: this.nextId++, lastU: d.u, lastV: d.v, lastT: tS, lastFrame: frame, vu: 0, vv: 0, n: 1 };
      this.open.push(t);
      ids[di] = t.id;
    }
    return ids;
  }
}
