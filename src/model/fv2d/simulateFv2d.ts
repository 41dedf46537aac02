import { ConfigError, InputError } from '../../core/errors.js';
import { FARADAY_C_PER_MOL, MOLAR_VOLUME_LI_M3_PER_MOL, thermalVoltageV } from '../../core/units.js';
import { extensionThresholdV, type CurrentProgram, type InclusionState0, type ReducedModelParams, type ReducedRun } from '../reduced/index.js';
import { staircasePolyline, type CrackFaces } from './crackFaces.js';
import { CrackSolver, FACE_EMPTY, FACE_INTACT, FACE_LI, type Conductor, type CrackSolution } from './crackSolver.js';
import type { FaceKinetics } from './faceKinetics.js';
import { createGrid, type Fv2dGrid } from './grid.js';

/** Grid and stepping options of simulateFv2d (all defaulted by checkFv2dOptions). */
export interface Fv2dOptions {
  /** Domain width W across the field [m] (default 2 mm). */
  domainWidthM: number;
  /** Electrode gap d [m] (default 1 mm). */
  gapM: number;
  /** Cell size Δ [m] (default 5 µm); W and d must be multiples of it. */
  spacingM: number;
  /** Model coordinates (x across, y from electrode A to B) of the point s = 0 on the inclusion axis [m]; default puts the initial midpoint at the domain centre. */
  originXM: number | null;
  originYM: number | null;
  /** Heun step control: largest end displacement per step, in cells (default 0.25). */
  maxEndStepCells: number;
  /** Heun step control: largest relative change of the inclusion current per step (default 0.05). */
  maxCurrentChange: number;
  /** Largest time step [s] (default 60). */
  maxStepS: number;
  /** The crack path (where the inclusion can extend) covers [s1 − margin, s2 + margin] of the initial state, clipped to the domain [m] (default Infinity: across the whole domain). A smaller margin makes the set-up cheaper. */
  pathMarginM: number;
  /** 'current': electrode potential fixed by j_n (default); 'voltage': V = −j_n·d/σ. */
  drive: 'current' | 'voltage';
}

/** Fill defaults and check options (throws ConfigError naming the option). */
export function checkFv2dOptions(opts: Partial<Fv2dOptions> = {}): Fv2dOptions {
  const o: Fv2dOptions = {
    domainWidthM: 2e-3,
    gapM: 1e-3,
    spacingM: 5e-6,
    originXM: null,
    originYM: null,
    maxEndStepCells: 0.25,
    maxCurrentChange: 0.05,
    maxStepS: 60,
    pathMarginM: Infinity,
    drive: 'current',
    ...opts,
  };
  const pos = (name: keyof Fv2dOptions, v: number): void => {
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v)))
      throw new ConfigError(`fv2d option ${name} must be a finite number > 0, got ${JSON.stringify(v)}`, `set ${name} in SI units`);
  };
  pos('domainWidthM', o.domainWidthM);
  pos('gapM', o.gapM);
  pos('spacingM', o.spacingM);
  pos('maxEndStepCells', o.maxEndStepCells);
  pos('maxCurrentChange', o.maxCurrentChange);
  pos('maxStepS', o.maxStepS);
  if (!(o.pathMarginM > 0)) throw new ConfigError(`fv2d option pathMarginM must be > 0, got ${JSON.stringify(o.pathMarginM)}`, 'give a margin in metres or Infinity');
  if (o.drive !== 'current' && o.drive !== 'voltage')
    throw new ConfigError(`fv2d option drive must be 'current' or 'voltage', got ${JSON.stringify(o.drive)}`, "use 'current' unless comparing with a fixed-voltage solution");
  return o;
}

/** Per-face Li ledger along the inclusion axis (per unit depth). */
interface Ledger {
  status: Uint8Array;
  /** Li volume per unit depth on the face [m²]. */
  vol: Float64Array;
  /** Thickness capacity of the face [m] (h_diss initial, h_ext extension, h_refill refill). */
  cap: Float64Array;
}

interface Run {
  a: number;
  b: number;
  /** Depositing end (a or b), or −1 when idle / undecided. */
  dep: number;
  mode: 0 | 1 | 2;
}

interface Evaluated {
  /** Metal → electrolyte current of each face, both sides [A/m]. */
  faceI: Float64Array;
  runs: Run[];
  solution: CrackSolution | null;
}

/**
 * Model B moving-interface simulation of one 2-D through-crack inclusion (a strip of
 * out-of-plane extent p.widthM), with the same signature as Model A's simulateReduced so a fit
 * can swap it in (MODEL.md §4.4).
 *
 * The inclusion axis t̂ = (sin θ, cos θ) in model coordinates (x across the cell, y from
 * electrode A to B) is staircased once across the whole domain; each face of that path keeps a
 * Li ledger (volume, capacity, status intact / empty / Li). Each quasi-static state is solved
 * with the capacitance-matrix Newton solver (every contiguous Li run is a floating conductor).
 * Deposition beyond a face's capacity overflows toward the depositing end; overflow past the
 * end turns the next face into Li (h_ext if it was intact: crack extension; h_refill if it was
 * an empty crack: refill). Faces whose volume reaches 0 become empty cracks.
 * Threshold: plating onto a run pressurises its Li to p_c, so every face of a run takes a
 * deposition threshold (η_th from extensionThresholdV in extension mode, η_refill in refill
 * mode) while dissolution is unloaded (see evaluateFaceCurrent); below threshold the run is
 * idle (zero current), as in Model A. Explicit Heun, adaptive Δt (end displacement ≤ maxEndStepCells·Δ, |ΔI/I| ≤
 * maxCurrentChange), restarts at the current-program breakpoints and output times.
 *
 * Outputs follow ReducedRun: ends s1 < s2 along t̂ of the largest Li run (the end faces count
 * with their fill fraction), the Li centroid, L = s2 − s1, the inclusion current
 * I = w·Σ anodic face currents [A] and the mode (0 idle, 1 extension, 2 refill).
 * Only p.shape = 'strip' is meaningful in 2-D. A run reaching the domain boundary stops
 * extending (its overflow stays on the end face).
 */
export function simulateFv2d(
  p: ReducedModelParams,
  program: CurrentProgram,
  state0: InclusionState0,
  timesS: ArrayLike<number>,
  opts?: Partial<Fv2dOptions>,
): ReducedRun {
  return simulateFv2dWithStats(p, program, state0, timesS, opts).run;
}

/** Work counters of one simulateFv2d run (for benchmarks and diagnostics). */
export interface Fv2dRunStats {
  /** Cells nx × ny and candidate crack faces on the path. */
  nx: number;
  ny: number;
  pathFaces: number;
  /** Wall time of the capacitance set-up (Green block) [s]. */
  setupS: number;
  /** Accepted and rejected (halved) Heun steps. */
  steps: number;
  rejectedSteps: number;
  /** Quasi-static solves and their total Newton iterations and wall time [s]. */
  solves: number;
  newtonIterations: number;
  solveS: number;
}

/** simulateFv2d plus work counters. */
export function simulateFv2dWithStats(
  p: ReducedModelParams,
  program: CurrentProgram,
  state0: InclusionState0,
  timesS: ArrayLike<number>,
  opts?: Partial<Fv2dOptions>,
): { run: ReducedRun; stats: Fv2dRunStats } {
  const o = checkFv2dOptions(opts);
  checkInputs(p, program, state0, timesS);
  const grid = createGrid(o.domainWidthM, o.gapM, o.spacingM);
  const h = grid.spacingM;
  const tx = Math.sin(p.thetaRad);
  const ty = Math.cos(p.thetaRad);
  const mid0 = 0.5 * (state0.s1M + state0.s2M);
  const ox = o.originXM ?? grid.widthM / 2 - tx * mid0;
  const oy = o.originYM ?? grid.gapM / 2 - ty * mid0;

  // ---- 1. the path: the inclusion axis clipped to the domain, one cell in from the boundary
  const [sLoDomain, sHiDomain] = clipLine(ox, oy, tx, ty, grid, 0.5 * h);
  const sLo = Math.max(sLoDomain, Math.min(state0.s1M, state0.envelopeLoM ?? state0.s1M) - o.pathMarginM);
  const sHi = Math.min(sHiDomain, Math.max(state0.s2M, state0.envelopeHiM ?? state0.s2M) + o.pathMarginM);
  if (!(sLoDomain < state0.s1M && state0.s2M < sHiDomain))
    throw new InputError(
      `fv2d: initial inclusion [${state0.s1M}, ${state0.s2M}] m along t̂ does not fit in the domain (axis spans [${sLoDomain}, ${sHiDomain}] m)`,
      'enlarge domainWidthM / gapM or move originXM / originYM',
    );
  const faces = staircasePolyline(grid, [ox + tx * sLo, ox + tx * sHi], [oy + ty * sLo, oy + ty * sHi]);
  const nf = faces.cellA.length;
  const sFace = Float64Array.from(faces.sM, (s) => s + sLo);
  const lenFace = Float64Array.from(faces.weight, (w) => w * h);
  const yFace = new Float64Array(nf);
  for (let f = 0; f < nf; f++) yFace[f] = oy + ty * sFace[f];
  const tSetup = performance.now();
  const solver = new CrackSolver(grid, p.sigmaSPerM, faces);
  const stats: Fv2dRunStats = {
    nx: grid.nx,
    ny: grid.ny,
    pathFaces: nf,
    setupS: (performance.now() - tSetup) / 1000,
    steps: 0,
    rejectedSteps: 0,
    solves: 0,
    newtonIterations: 0,
    solveS: 0,
  };

  // ---- 2. initial ledger
  const envLo = state0.envelopeLoM ?? state0.s1M;
  const envHi = state0.envelopeHiM ?? state0.s2M;
  const led: Ledger = { status: new Uint8Array(nf), vol: new Float64Array(nf), cap: new Float64Array(nf) };
  for (let f = 0; f < nf; f++) {
    const s = sFace[f];
    if (s >= state0.s1M && s <= state0.s2M) {
      led.status[f] = FACE_LI;
      led.cap[f] = p.hDissM;
      led.vol[f] = p.hDissM * lenFace[f];
    } else if (s >= envLo && s <= envHi) {
      led.status[f] = FACE_EMPTY;
    }
  }
  if (!led.status.includes(FACE_LI)) throw new InputError('fv2d: the initial inclusion covers no grid face', 'make s2M − s1M at least one cell (spacingM) long');

  const kinetics: FaceKinetics = {
    kind: !Number.isFinite(p.j0APerM2) ? 'fast' : p.kinetics === 'linear' ? 'linear' : 'bv',
    j0APerM2: p.j0APerM2,
    alphaA: p.alphaA,
    fPerV: 1 / thermalVoltageV(p.temperatureK),
  };
  const vmOverF = MOLAR_VOLUME_LI_M3_PER_MOL / FARADAY_C_PER_MOL;
  const jnAt = (t: number): number => {
    let j = 0;
    for (let i = 0; i < program.tS.length; i++) if (t >= program.tS[i]) j = program.jnAPerM2[i];
    return j;
  };

  // ---- 3. quasi-static evaluation of a ledger state
  let warm: CrackSolution | undefined;
  const evaluate = (L: Ledger, jn: number): Evaluated => {
    const runs = findRuns(L.status);
    const faceI = new Float64Array(nf);
    if (jn === 0 || runs.length === 0) {
      for (const r of runs) r.mode = 0;
      return { faceI, runs, solution: null };
    }
    const conductorOfFace = new Int32Array(nf);
    const threshold = new Float64Array(nf);
    const conductors: Conductor[] = runs.map(() => ({ kind: 'floating' }));
    const envelope = envelopeLength(L.status, lenFace);
    runs.forEach((r, ci) => {
      for (let f = r.a; f <= r.b; f++) conductorOfFace[f] = ci;
      // depositing end: the end where the crack-free electrolyte potential −j_n·y/σ is higher
      const dy = yFace[r.b] - yFace[r.a];
      r.dep = Math.abs(dy) < 0.5 * h ? -1 : (jn > 0) === (dy < 0) ? r.b : r.a;
      const ends = r.dep >= 0 ? [r.dep] : [r.a, r.b];
      // extension if the face beyond the depositing end is intact (or the boundary), else refill
      r.mode = ends.some((e) => {
        const next = e === r.b ? r.b + 1 : r.a - 1;
        return next < 0 || next >= nf || L.status[next] === FACE_INTACT;
      })
        ? 1
        : 2;
      const lengthM = sFace[r.b] - sFace[r.a] + 0.5 * (lenFace[r.a] + lenFace[r.b]);
      const eta = r.mode === 1 ? extensionThresholdV(p, lengthM, envelope) : p.etaRefillV;
      for (let f = r.a; f <= r.b; f++) threshold[f] = eta;
    });
    const tSolve = performance.now();
    const sol = solver.solve({
      status: L.status,
      conductorOfFace,
      conductors,
      depositionThresholdV: threshold,
      drive: o.drive === 'current' ? { mode: 'current', jnAPerM2: jn } : { mode: 'voltage', vV: (-jn * grid.gapM) / p.sigmaSPerM },
      kinetics,
      warmStart: warm && warm.conductorPotentialV.length === conductors.length ? warm : undefined,
    });
    if (!sol.converged)
      throw new Error(`simulateFv2d: Newton did not converge at j_n = ${jn} A/m² after ${sol.iterations} iterations (try a smaller spacingM or maxStepS)`);
    warm = sol;
    stats.solves++;
    stats.newtonIterations += sol.iterations;
    stats.solveS += (performance.now() - tSolve) / 1000;
    for (let f = 0; f < nf; f++) faceI[f] = sol.faceCurrentA[f] + sol.faceCurrentB[f];
    for (const r of runs) {
      let any = false;
      for (let f = r.a; f <= r.b; f++) if (faceI[f] !== 0) any = true;
      if (!any) r.mode = 0;
    }
    return { faceI, runs, solution: sol };
  };

  // ---- 4. ledger update with given face currents over dt (mass-conserving)
  const advance = (L: Ledger, ev: Evaluated, faceI: Float64Array, dt: number): Ledger => {
    const N: Ledger = { status: L.status.slice(), vol: L.vol.slice(), cap: L.cap.slice() };
    for (const r of ev.runs) {
      for (let f = r.a; f <= r.b; f++) N.vol[f] -= vmOverF * faceI[f] * dt;
      // dissolution: carry deficits inward from both ends; empty faces turn into empty crack
      let deficit = 0;
      for (let f = r.a; f <= r.b; f++) {
        N.vol[f] += deficit;
        deficit = 0;
        if (N.vol[f] <= 0 && f < r.b) {
          deficit = N.vol[f];
          N.vol[f] = 0;
        }
      }
      for (let f = r.b; f >= r.a; f--) {
        N.vol[f] += deficit;
        deficit = 0;
        if (N.vol[f] <= 0 && f > r.a) {
          deficit = N.vol[f];
          N.vol[f] = 0;
        }
      }
      if (deficit < 0) N.vol[r.a] += deficit; // whole run dissolved: keep the (tiny) debt on one face
      // deposition beyond capacity overflows toward the depositing end, then past it
      const dep = r.dep >= 0 ? r.dep : faceI[r.a] <= faceI[r.b] ? r.a : r.b;
      const step = dep === r.b ? 1 : -1;
      let excess = 0;
      for (let f = dep === r.b ? r.a : r.b; f !== dep + step; f += step) {
        N.vol[f] += excess;
        excess = 0;
        const full = N.cap[f] * lenFace[f];
        if (N.vol[f] > full && f !== dep) {
          excess = N.vol[f] - full;
          N.vol[f] = full;
        }
      }
      let f = dep;
      while (N.vol[f] > N.cap[f] * lenFace[f]) {
        const nxt = f + step;
        if (nxt < 0 || nxt >= nf || N.status[nxt] === FACE_LI) break;
        const over = N.vol[f] - N.cap[f] * lenFace[f];
        N.vol[f] -= over;
        N.cap[nxt] = N.status[nxt] === FACE_INTACT ? p.hExtM : p.hRefillM;
        N.status[nxt] = FACE_LI;
        N.vol[nxt] += over;
        f = nxt;
      }
    }
    for (let f = 0; f < nf; f++) if (N.status[f] === FACE_LI && N.vol[f] <= 0) N.status[f] = FACE_EMPTY;
    return N;
  };

  // ---- 5. observables of a ledger
  const observe = (L: Ledger, ev: Evaluated): { s1: number; s2: number; c: number; I: number; mode: number; vol: number; envLo: number; envHi: number } => {
    const runs = ev.runs.length ? ev.runs : findRuns(L.status);
    let best = runs[0];
    let bestVol = -1;
    let m = 0;
    let ms = 0;
    for (const r of runs) {
      let v = 0;
      for (let f = r.a; f <= r.b; f++) {
        v += L.vol[f];
        ms += L.vol[f] * sFace[f];
      }
      m += v;
      if (v > bestVol) {
        bestVol = v;
        best = r;
      }
    }
    const frac = (f: number): number => Math.min(1, Math.max(0, L.vol[f] / (L.cap[f] * lenFace[f])));
    let s1 = sFace[best.a] + 0.5 * lenFace[best.a] - frac(best.a) * lenFace[best.a];
    let s2 = sFace[best.b] - 0.5 * lenFace[best.b] + frac(best.b) * lenFace[best.b];
    if (s1 > s2) [s1, s2] = [s2, s1];
    let anodic = 0;
    for (let f = 0; f < nf; f++) if (ev.faceI[f] > 0) anodic += ev.faceI[f];
    let envLo = Infinity;
    let envHi = -Infinity;
    for (let f = 0; f < nf; f++) {
      if (L.status[f] === FACE_INTACT) continue;
      envLo = Math.min(envLo, sFace[f] - 0.5 * lenFace[f]);
      envHi = Math.max(envHi, sFace[f] + 0.5 * lenFace[f]);
    }
    return { s1, s2, c: m > 0 ? ms / m : 0.5 * (s1 + s2), I: anodic * p.widthM, mode: best.mode, vol: m, envLo, envHi };
  };

  // ---- 6. time loop (explicit Heun, adaptive Δt)
  const nOut = timesS.length;
  const run: ReducedRun = {
    tS: Float64Array.from(timesS),
    s1M: new Float64Array(nOut),
    s2M: new Float64Array(nOut),
    centroidM: new Float64Array(nOut),
    lengthM: new Float64Array(nOut),
    currentA: new Float64Array(nOut),
    mode: new Uint8Array(nOut),
    envelopeLoM: new Float64Array(nOut),
    envelopeHiM: new Float64Array(nOut),
    volumePerWidthM2: new Float64Array(nOut),
  };
  const t0 = state0.t0S ?? (program.tS.length ? program.tS[0] : 0);
  const breaks = program.tS.filter((t) => t > t0);
  let t = t0;
  let L = led;
  let ev = evaluate(L, jnAt(t));
  let dt = Math.min(o.maxStepS, 1);
  const record = (k: number): void => {
    const ob = observe(L, ev);
    run.s1M[k] = ob.s1;
    run.s2M[k] = ob.s2;
    run.centroidM[k] = ob.c;
    run.lengthM[k] = ob.s2 - ob.s1;
    run.currentA[k] = ob.I;
    run.mode[k] = ob.mode;
    run.envelopeLoM![k] = ob.envLo;
    run.envelopeHiM![k] = ob.envHi;
    run.volumePerWidthM2![k] = ob.vol;
  };
  for (let k = 0; k < nOut; k++) {
    const tOut = run.tS[k];
    while (t < tOut) {
      const nextBreak = breaks.find((b) => b > t) ?? Infinity;
      const tStop = Math.min(tOut, nextBreak);
      // step-size limits from the current rates
      const rateLimit = stepLimit(L, ev, lenFace, vmOverF, h * o.maxEndStepCells, Math.min(p.hExtM, p.hRefillM));
      let dtTry = Math.min(dt * 2, rateLimit, o.maxStepS, tStop - t);
      for (let attempt = 0; ; attempt++) {
        const pred = advance(L, ev, ev.faceI, dtTry);
        const evP = evaluate(pred, jnAt(t));
        const i0 = sumAnodic(ev.faceI);
        const i1 = sumAnodic(evP.faceI);
        const sameTopology = sameStatus(L.status, pred.status);
        if (sameTopology && attempt < 8 && Math.abs(i1 - i0) > o.maxCurrentChange * Math.max(i0, 1e-300)) {
          dtTry *= 0.5;
          stats.rejectedSteps++;
          continue;
        }
        // corrector: average the face currents (faces new in the predictor feed the nearest Li face)
        const avg = new Float64Array(nf);
        for (let f = 0; f < nf; f++) {
          if (evP.faceI[f] === 0) continue;
          let g = f;
          if (L.status[f] !== FACE_LI) g = nearestLi(L.status, f);
          if (g >= 0) avg[g] += 0.5 * evP.faceI[f];
        }
        for (let f = 0; f < nf; f++) avg[f] += 0.5 * ev.faceI[f];
        L = advance(L, ev, avg, dtTry);
        t = tStop - t - dtTry <= 1e-9 * Math.max(1, Math.abs(t)) ? tStop : t + dtTry;
        ev = evaluate(L, jnAt(t));
        dt = dtTry;
        stats.steps++;
        break;
      }
      if (t === nextBreak) dt = Math.min(dt, 1);
    }
    record(k);
  }
  return { run, stats };
}

function checkInputs(p: ReducedModelParams, program: CurrentProgram, s0: InclusionState0, timesS: ArrayLike<number>): void {
  if (p.shape !== 'strip')
    throw new ConfigError(`fv2d models a 2-D through-crack: shape must be 'strip', got '${p.shape}'`, "use shape: 'strip' (or Model A for pennies, spheres and prolates)");
  for (const [name, v] of [
    ['sigmaSPerM', p.sigmaSPerM],
    ['widthM', p.widthM],
    ['hExtM', p.hExtM],
    ['hDissM', p.hDissM],
    ['hRefillM', p.hRefillM],
    ['j0APerM2', p.j0APerM2],
    ['temperatureK', p.temperatureK],
  ] as const) {
    if (!(v > 0)) throw new InputError(`model parameter ${name} must be > 0, got ${v}`, `give ${name} in SI units`);
  }
  if (program.tS.length !== program.jnAPerM2.length)
    throw new InputError(`current program: tS (${program.tS.length}) and jnAPerM2 (${program.jnAPerM2.length}) differ in length`, 'give one current density per breakpoint');
  for (let i = 1; i < program.tS.length; i++)
    if (!(program.tS[i] > program.tS[i - 1])) throw new InputError(`current program: tS must increase, got ${program.tS[i - 1]} then ${program.tS[i]}`, 'sort the breakpoints');
  if (!(s0.s1M < s0.s2M)) throw new InputError(`initial state: s1M (${s0.s1M}) must be < s2M (${s0.s2M})`, 'order the ends along t̂');
  for (let i = 1; i < timesS.length; i++)
    if (!(timesS[i] >= timesS[i - 1])) throw new InputError(`timesS must be non-decreasing, got ${timesS[i - 1]} then ${timesS[i]}`, 'sort the output times');
}

/** Parameter range [sLo, sHi] of the line o + s·t inside the domain shrunk by `margin`. */
function clipLine(ox: number, oy: number, tx: number, ty: number, grid: Fv2dGrid, margin: number): [number, number] {
  let lo = -Infinity;
  let hi = Infinity;
  const clip = (o: number, t: number, a: number, b: number): void => {
    if (Math.abs(t) < 1e-12) {
      if (o < a || o > b) {
        lo = Infinity;
        hi = -Infinity;
      }
      return;
    }
    const s1 = (a - o) / t;
    const s2 = (b - o) / t;
    lo = Math.max(lo, Math.min(s1, s2));
    hi = Math.min(hi, Math.max(s1, s2));
  };
  clip(ox, tx, margin, grid.widthM - margin);
  clip(oy, ty, margin, grid.gapM - margin);
  return [lo, hi];
}

function findRuns(status: Uint8Array): Run[] {
  const runs: Run[] = [];
  for (let f = 0; f < status.length; f++) {
    if (status[f] !== FACE_LI) continue;
    const a = f;
    while (f + 1 < status.length && status[f + 1] === FACE_LI) f++;
    runs.push({ a, b: f, dep: -1, mode: 0 });
  }
  return runs;
}

function envelopeLength(status: Uint8Array, lenFace: Float64Array): number {
  let lo = -1;
  let hi = -1;
  for (let f = 0; f < status.length; f++) {
    if (status[f] === FACE_INTACT) continue;
    if (lo < 0) lo = f;
    hi = f;
  }
  let len = 0;
  for (let f = lo; f >= 0 && f <= hi; f++) len += lenFace[f];
  return len;
}

function sumAnodic(faceI: Float64Array): number {
  let s = 0;
  for (let f = 0; f < faceI.length; f++) if (faceI[f] > 0) s += faceI[f];
  return s;
}

function sameStatus(a: Uint8Array, b: Uint8Array): boolean {
  for (let f = 0; f < a.length; f++) if (a[f] !== b[f]) return false;
  return true;
}

function nearestLi(status: Uint8Array, f: number): number {
  for (let d = 1; d < status.length; d++) {
    if (f - d >= 0 && status[f - d] === FACE_LI) return f - d;
    if (f + d < status.length && status[f + d] === FACE_LI) return f + d;
  }
  return -1;
}

/** Largest Δt [s] keeping each end within maxDispM and each face's volume change within a quarter of its capacity. */
function stepLimit(L: Ledger, ev: Evaluated, lenFace: Float64Array, vmOverF: number, maxDispM: number, hNewM: number): number {
  let lim = Infinity;
  for (const r of ev.runs) {
    let dep = 0;
    for (let f = r.a; f <= r.b; f++) {
      const rate = vmOverF * ev.faceI[f]; // m²/s lost
      if (rate < 0) dep -= rate;
      else if (rate > 0) lim = Math.min(lim, (0.25 * L.cap[f] * lenFace[f]) / rate);
    }
    if (dep > 0) {
      lim = Math.min(lim, (maxDispM * hNewM) / dep);
    }
  }
  return lim;
}
