/**
 * Model B (fv2d) benchmark: fast-Poisson solve, Newton–PCG (fast-Poisson preconditioned) and
 * capacitance-matrix (Woodbury) quasi-static solves, and the moving-interface time step.
 *
 *   node --import tsx test/bench/fv2d.ts            # 400×200 and 800×400
 *   node --import tsx test/bench/fv2d.ts --fine     # also 1600×800 (slow) and T14 at Δ = 2.5 µm
 *
 * Wall time and process CPU time are both printed: on a shared machine CPU time is the better
 * measure of the work.
 */
import {
  CrackPcgSolver,
  CrackSolver,
  FACE_LI,
  FastPoissonSolver,
  createGrid,
  simulateFv2dWithStats,
  staircasePolyline,
  type FaceKinetics,
} from '../../src/model/fv2d/index.js';
import { defaultReducedParams } from '../../src/model/reduced/index.js';

const SIGMA = 0.1;
const JN = 4.7;
const F_PER_V = 1 / 0.0256926;
const BV: FaceKinetics = { kind: 'bv', j0APerM2: 50, alphaA: 0.5, fPerV: F_PER_V };
const fine = process.argv.includes('--fine');

function timed<T>(fn: () => T): { value: T; wallMs: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}
const f1 = (x: number): string => x.toFixed(1);

const rows: string[][] = [];
const sizes: [number, number, number][] = [
  [2e-3, 1e-3, 5e-6],
  [2e-3, 1e-3, 2.5e-6],
];
if (fine) sizes.push([2e-3, 1e-3, 1.25e-6]);

for (const [W, d, h] of sizes) {
  const grid = createGrid(W, d, h);
  const label = `${grid.nx}×${grid.ny}`;
  // 1. fast Poisson
  const fp = new FastPoissonSolver(grid, SIGMA);
  const b = Float64Array.from({ length: grid.nx * grid.ny }, (_, k) => Math.sin(k));
  const out = new Float64Array(b.length);
  for (let w = 0; w < 3; w++) fp.solve(b, out);
  const reps = 10;
  const tf = timed(() => {
    for (let r = 0; r < reps; r++) fp.solve(b, out);
  });
  rows.push([label, 'fast-Poisson solve', f1(tf.wallMs / reps), f1(tf.cpuMs / reps), '', '']);

  // 2. a tilted floating strip L ≈ 447 µm (400 µm along the field), BV kinetics, fixed V
  const faces = staircasePolyline(grid, [0.9e-3, 1.1e-3], [0.3e-3, 0.7e-3]);
  const nf = faces.cellA.length;
  const status = new Uint8Array(nf).fill(FACE_LI);
  const vV = (-JN * d) / SIGMA;
  const pcgSetup = timed(() => new CrackPcgSolver(grid, SIGMA, faces));
  const pcg = timed(() => pcgSetup.value.solve({ status, conductor: { kind: 'floating' }, vV, kinetics: BV }));
  const its = pcg.value.cgIterations;
  rows.push([
    label,
    `Newton–PCG (${nf} faces)`,
    f1(pcg.wallMs / pcg.value.newtonIterations),
    f1(pcg.cpuMs / pcg.value.newtonIterations),
    `${pcg.value.newtonIterations} Newton`,
    `CG its/solve ${Math.min(...its)}–${Math.max(...its)} (rtol 1e-8)`,
  ]);
  const capSetup = timed(() => new CrackSolver(grid, SIGMA, faces));
  rows.push([label, `capacitance set-up (|S| = ${capSetup.value.cells.length})`, f1(capSetup.wallMs), f1(capSetup.cpuMs), '', '']);
  const cap = timed(() =>
    capSetup.value.solve({ status, conductorOfFace: new Int32Array(nf), conductors: [{ kind: 'floating' }], drive: { mode: 'voltage', vV }, kinetics: BV }),
  );
  rows.push([label, 'capacitance Newton step', f1(cap.wallMs / cap.value.iterations), f1(cap.cpuMs / cap.value.iterations), `${cap.value.iterations} Newton`, '']);
  let diff = 0;
  let scale = 0;
  for (let f = 0; f < nf; f++) {
    diff = Math.max(diff, Math.abs(cap.value.faceCurrentA[f] - pcg.value.faceCurrentA[f]));
    scale = Math.max(scale, Math.abs(cap.value.faceCurrentA[f]));
  }
  rows.push([label, 'PCG vs capacitance', '', '', '', `max |ΔI_face|/max|I| = ${(diff / scale).toExponential(1)}`]);

  // 3. moving interface: C0 (BV, K_IC threshold), L0 = 400 µm, 600 s at 2·j_n
  if (h >= 2.5e-6) {
    const p = defaultReducedParams();
    const sim = timed(() =>
      simulateFv2dWithStats(p, { tS: [0], jnAPerM2: [2 * JN] }, { s1M: 0, s2M: 400e-6 }, [0, 300, 600], {
        domainWidthM: W,
        gapM: d,
        spacingM: h,
        originXM: W / 2,
        originYM: 0.55 * d,
        pathMarginM: 250e-6,
      }),
    );
    const st = sim.value.stats;
    rows.push([label, `time stepping set-up (${st.pathFaces} path faces)`, f1(st.setupS * 1000), '', '', '']);
    rows.push([
      label,
      'time step (Heun, 2 solves)',
      f1(((sim.wallMs - st.setupS * 1000) / st.steps)),
      f1(sim.cpuMs / st.steps),
      `${st.steps} steps (+${st.rejectedSteps} rejected)`,
      `${(st.newtonIterations / st.solves).toFixed(2)} Newton/solve; s1(600 s) = ${(sim.value.run.s1M[2] * 1e6).toFixed(2)} µm`,
    ]);
  }
}

// 4. --fine: T14 dendrite collection at Δ = 2.5 µm (tests run it at 5 µm)
if (fine) {
  const d = 1e-3;
  const W = 6 * d;
  const grid = createGrid(W, d, 2.5e-6);
  for (const [ratio, expected] of [
    [0.25, 2.412838e-3],
    [0.5, 5.274339e-3],
    [0.9, 1.521244e-2],
  ] as const) {
    const faces = staircasePolyline(grid, [W / 2, W / 2], [d, d - ratio * d]);
    const nf = faces.cellA.length;
    const r = timed(() => {
      const solver = new CrackSolver(grid, SIGMA, faces);
      return solver.solve({
        status: new Uint8Array(nf).fill(FACE_LI),
        conductorOfFace: new Int32Array(nf),
        conductors: [{ kind: 'electrodeB' }],
        drive: { mode: 'voltage', vV: (-JN * d) / SIGMA },
        kinetics: { kind: 'fast', j0APerM2: Infinity, alphaA: 0.5, fPerV: F_PER_V },
      });
    });
    let collected = 0;
    for (let f = 0; f < nf; f++) collected -= r.value.faceCurrentA[f] + r.value.faceCurrentB[f];
    rows.push([`${grid.nx}×${grid.ny}`, `T14 ℓ/d = ${ratio}`, f1(r.wallMs), f1(r.cpuMs), '', `I_d/w ÷ conformal map = ${(collected / expected).toFixed(5)}`]);
  }
}

const head = ['grid', 'operation', 'wall ms', 'CPU ms', 'count', 'notes'];
const widths = head.map((hd, c) => Math.max(hd.length, ...rows.map((r) => r[c].length)));
const line = (r: string[]): string => r.map((x, c) => x.padEnd(widths[c])).join('  ');
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
