/**
 * One validation at the entry of simulateReduced: the integrator trusts what passes.
 */
import { InputError } from '../../core/errors.js';
import type { CurrentProgram, InclusionState0, ReducedModelParams } from './types.js';

function fail(name: string, rule: string, value: unknown, fix: string): never {
  throw new InputError(`model parameter ${name} must be ${rule}, got ${JSON.stringify(value)}`, fix);
}

function positive(name: string, v: number, fix: string): void {
  if (!(typeof v === 'number' && v > 0 && !Number.isNaN(v))) fail(name, '> 0', v, fix);
}
function finite(name: string, v: number, fix: string): void {
  if (!(typeof v === 'number' && Number.isFinite(v))) fail(name, 'a finite number', v, fix);
}

export function checkReducedInputs(p: ReducedModelParams, program: CurrentProgram, s0: InclusionState0, timesS: ArrayLike<number>): void {
  if (!['strip', 'penny', 'sphere', 'prolate'].includes(p.shape)) fail('shape', 'strip|penny|sphere|prolate', p.shape, 'pick one of the four shape classes');
  if (p.shape === 'prolate' && !(typeof p.aspectRatio === 'number' && p.aspectRatio >= 1 && Number.isFinite(p.aspectRatio)))
    fail('aspectRatio', 'a finite number ≥ 1 for a prolate', p.aspectRatio, 'give the long/short semi-axis ratio a/b');
  finite('thetaRad', p.thetaRad, 'give the inclusion axis angle in radians');
  positive('sigmaSPerM', p.sigmaSPerM, 'ionic conductivity in S/m (1 mS/cm = 0.1 S/m)');
  positive('widthM', p.widthM, 'out-of-plane extent in metres');
  positive('temperatureK', p.temperatureK, 'absolute temperature in K');
  positive('hExtM', p.hExtM, 'Li thickness in metres (e.g. 1e-6)');
  positive('hDissM', p.hDissM, 'Li thickness in metres (e.g. 1e-6)');
  positive('hRefillM', p.hRefillM, 'Li thickness in metres (e.g. 1e-6)');
  positive('j0APerM2', p.j0APerM2, 'exchange current density in A/m² (Infinity for reversible)');
  if (!(p.alphaA > 0 && p.alphaA < 1)) fail('alphaA', 'in (0, 1)', p.alphaA, 'use 0.5 unless measured');
  if (p.etaThV !== null && !(Number.isFinite(p.etaThV) && p.etaThV >= 0)) fail('etaThV', 'null or a finite number ≥ 0 [V]', p.etaThV, 'give the threshold in volts or null to derive it from K_IC');
  if (p.etaThV === null || p.lag) {
    positive('kIcPaSqrtM', p.kIcPaSqrtM, 'fracture toughness in Pa·m^½ (0.6e6)');
    positive('geometryFactorY', p.geometryFactorY, 'use 1 (through crack) or 1.12 (edge crack)');
  }
  if (p.aEff !== 'half-length' && p.aEff !== 'half-envelope') fail('aEff', "'half-length' or 'half-envelope'", p.aEff, 'choose the crack length used in η_K');
  if (!(Number.isFinite(p.etaRefillV) && p.etaRefillV >= 0)) fail('etaRefillV', 'a finite number ≥ 0 [V]', p.etaRefillV, 'use 0 unless fitted');
  if (p.kinetics !== 'bv' && p.kinetics !== 'linear') fail('kinetics', "'bv' or 'linear'", p.kinetics, 'choose the interface kinetics');
  if (p.smoothingEpsV !== undefined && !(p.smoothingEpsV >= 0 && Number.isFinite(p.smoothingEpsV))) fail('smoothingEpsV', 'a finite number ≥ 0 [V]', p.smoothingEpsV, 'use 2e-4 for gradient fits or 0');
  if (p.lag) {
    positive('lag.youngPa', p.lag.youngPa, "LLZO Young's modulus in Pa (150e9)");
    if (!(p.lag.poisson >= 0 && p.lag.poisson < 0.5)) fail('lag.poisson', 'in [0, 0.5)', p.lag.poisson, 'use 0.26 for LLZO');
  }
  if (p.rtol !== undefined && !(p.rtol > 0 && p.rtol < 1e-2)) fail('rtol', 'in (0, 1e-2)', p.rtol, 'use 1e-8');
  const { tS, jnAPerM2 } = program;
  if (tS.length !== jnAPerM2.length) fail('program', 'tS and jnAPerM2 of equal length', { tS: tS.length, jn: jnAPerM2.length }, 'give one current density per breakpoint');
  for (let i = 0; i < tS.length; i++) {
    if (!Number.isFinite(tS[i]) || !Number.isFinite(jnAPerM2[i])) fail(`program[${i}]`, 'finite', { t: tS[i], jn: jnAPerM2[i] }, 'remove NaN/Infinity from the current log');
    if (i > 0 && !(tS[i] > tS[i - 1])) fail('program.tS', 'strictly increasing', tS.slice(Math.max(0, i - 1), i + 1), 'sort the current log and merge duplicate times');
  }
  finite('state0.s1M', s0.s1M, 'initial end position in metres');
  finite('state0.s2M', s0.s2M, 'initial end position in metres');
  if (!(s0.s2M > s0.s1M)) fail('state0', 's1M < s2M', { s1M: s0.s1M, s2M: s0.s2M }, 'order the ends along the inclusion axis');
  if (s0.envelopeLoM !== undefined && !(s0.envelopeLoM <= s0.s1M)) fail('state0.envelopeLoM', '≤ s1M', s0.envelopeLoM, 'the envelope must contain the inclusion');
  if (s0.envelopeHiM !== undefined && !(s0.envelopeHiM >= s0.s2M)) fail('state0.envelopeHiM', '≥ s2M', s0.envelopeHiM, 'the envelope must contain the inclusion');
  for (let i = 0; i < timesS.length; i++) {
    if (!Number.isFinite(timesS[i])) fail(`timesS[${i}]`, 'finite', timesS[i], 'remove NaN/Infinity');
    if (i > 0 && timesS[i] < timesS[i - 1]) fail('timesS', 'sorted ascending', [timesS[i - 1], timesS[i]], 'sort the requested times');
  }
}
