/**
 * `npm run bench`: every benchmark section as its own child process (own heap, own time
 * budget), its tables printed as they come, then a short summary with one line per section.
 *
 *   npm run bench                                   # all sections
 *   npm run bench -- --only speed,accuracy          # some sections
 *   npm run bench -- --skip fv2d --budget speed=1800 --args "speed=--frames 500 --sizes 1080"
 *   npm run bench -- --list
 *
 * A section's summary line is its last stdout line starting with "SUMMARY", else its last
 * non-empty stdout line. A section that exceeds its budget gets SIGTERM (then SIGKILL after
 * 10 s) and is reported as "timeout". Exit code 0 only if every section ran and exited 0.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

interface Section { name: string; file: string; budgetS: number; args: string[]; what: string }

/** Sections in run order; budgets are wall-clock seconds on a shared 2-core machine. */
export const SECTIONS: Section[] = [
  { name: 'accuracy', file: 'accuracy.ts', budgetS: 900, args: [], what: 'tracker vs ground truth on rendered clean/hard scenarios (issue 3)' },
  { name: 'tips', file: 'tips.ts', budgetS: 300, args: [], what: 'tip sub-pixel fit: µs per fitRampEdge call vs the former implementation, on synthetic and fixture profiles' },
  { name: 'speed', file: 'speed.ts', budgetS: 1500, args: [], what: 'lidtrack track vs ffmpeg decode vs native OpenCV script; RSS 1 vs 10 min (issue 7)' },
  { name: 'tip-worker', file: 'tip-worker.ts', budgetS: 600, args: [], what: 'findTips ms/frame late in the 1500-frame bench video, one thread: leading tips, branches, cold vs warm start (issue 7)' },
  { name: 'fit-recovery', file: 'fit-recovery.ts', budgetS: 400, args: [], what: 'Model A fit parameter recovery' },
  { name: 'model-speed', file: 'model-speed.ts', budgetS: 180, args: [], what: 'Model A evaluation speed' },
  { name: 'fv2d', file: 'fv2d.ts', budgetS: 400, args: [], what: 'Model B 2-D finite-volume solver' },
  { name: 'fv2d-fit', file: 'fv2d-fit.ts', budgetS: 1200, args: [], what: 'a full Model B fit on the §6 data (time, runs, time per run)' },
  { name: 'render', file: 'render.ts', budgetS: 400, args: [], what: 'synthetic video renderer speed and memory' },
  { name: 'ingest', file: 'ingest.ts', budgetS: 500, args: [], what: 'openSource frames/s vs ffmpeg; RSS 1 vs 10 min' },
  { name: 'inclusions', file: 'inclusions.ts', budgetS: 300, args: [], what: 'isolated-inclusion tracking accuracy' },
  { name: 'inclusion-closed-loop', file: 'inclusion-closed-loop.ts', budgetS: 400, args: [], what: 'render → track → fit on fixtures/ili_model, estimates vs truth' },
  { name: 'register', file: 'register.ts', budgetS: 300, args: [], what: 'drift estimation accuracy and cost per frame' },
];

interface Outcome { name: string; status: string; wallS: number; summary: string }

function parseArgs(argv: string[]) {
  const get = (k: string) => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (k: string) => (get(k) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const budgets = new Map<string, number>();
  const extra = new Map<string, string[]>();
  argv.forEach((a, i) => {
    if (a === '--budget') { const [n, s] = argv[i + 1].split('='); budgets.set(n, Number(s)); }
    if (a === '--args') { const v = argv[i + 1]; const k = v.indexOf('='); extra.set(v.slice(0, k), v.slice(k + 1).split(/\s+/).filter(Boolean)); }
  });
  return { only: list('--only'), skip: list('--skip'), budgets, extra, listOnly: argv.includes('--list') };
}

function runSection(s: Section): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, s.file), ...s.args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => { process.stdout.write(b); out += b.toString(); });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, s.budgetS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
      const tagged = lines.filter((l) => l.startsWith('SUMMARY'));
      const summary = (tagged.length ? tagged[tagged.length - 1].replace(/^SUMMARY\s*[^:]*:\s*/, '') : lines[lines.length - 1] ?? '(no output)');
      const status = timedOut ? `timeout (${s.budgetS} s)` : code === 0 ? 'ok' : signal ? `killed ${signal}` : `exit ${code}`;
      resolve({ name: s.name, status, wallS: (performance.now() - t0) / 1000, summary });
    });
  });
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const unknown = [...o.only, ...o.skip].filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`bench: unknown section(s) ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  if (o.listOnly) {
    for (const s of SECTIONS) console.log(`${s.name.padEnd(22)} ${String(s.budgetS).padStart(5)} s  ${existsSync(join(HERE, s.file)) ? '' : '(missing) '}${s.what}`);
    return;
  }
  const chosen = SECTIONS.filter((s) => (!o.only.length || o.only.includes(s.name)) && !o.skip.includes(s.name))
    .map((s) => ({ ...s, budgetS: o.budgets.get(s.name) ?? s.budgetS, args: o.extra.get(s.name) ?? s.args }));
  const outcomes: Outcome[] = [];
  const started = new Date();
  for (const s of chosen) {
    console.log(`\n=== ${s.name} — ${s.what} (budget ${s.budgetS} s) ===`);
    if (!existsSync(join(HERE, s.file))) {
      console.log(`(test/bench/${s.file} does not exist yet)`);
      outcomes.push({ name: s.name, status: 'missing', wallS: 0, summary: `test/bench/${s.file} not present` });
      continue;
    }
    outcomes.push(await runSection(s));
  }
  console.log(`\n=== summary (${started.toISOString()}, node ${process.version}) ===`);
  const w = Math.max(...outcomes.map((x) => x.name.length));
  const sw = Math.max(...outcomes.map((x) => x.status.length));
  for (const x of outcomes) console.log(`${x.name.padEnd(w)}  ${x.status.padEnd(sw)}  ${x.wallS.toFixed(0).padStart(5)} s  ${x.summary.length > 400 ? x.summary.slice(0, 397) + '…' : x.summary}`);
  process.exitCode = outcomes.every((x) => x.status === 'ok') ? 0 : 1;
}

await main();
