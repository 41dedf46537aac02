/**
 * fit.json (SPEC.md "Fit input and output") from an inclusion fit: schema_version, model,
 * converged, chi2_red, parameters{value, ci95, ci_method, unit, fixed}, correlations,
 * not_identifiable[{name, reason}], plus n_points, sigma_pos_um, starts, other_basins and
 * diagnostics (Jacobian intervals, profiles, nuisance initial length).
 */
import { LIDTRACK_VERSION } from '../../core/version.js';
import type { InclusionFit } from './fitInclusion.js';
import type { InclusionFitParameter } from './modelFile.js';

/** Round to 6 significant digits for stable, readable JSON (null for non-finite). */
function sig(x: number | null | undefined, digits = 6): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  return Number(x.toPrecision(digits));
}

const pair = (p: [number, number] | null): [number | null, number | null] | null => (p ? [sig(p[0]), sig(p[1])] : null);

/** The fit.json object (stable key order). */
export function fitReportJson(r: InclusionFit): Record<string, unknown> {
  const f = r.fit;
  const m = r.modelFile;
  const names = (Object.keys(r.units) as InclusionFitParameter[]).filter((n) => {
    if (m.fit.includes(n) || n in m.fixed) return true;
    return n === 'h_ext_um' || n === 'j0_mA_per_cm2' || n === 'thickness_ratio' || n === 'eta_th_mV' || n === 'eta_refill_mV';
  });
  const parameters: Record<string, unknown> = {};
  for (const name of names) {
    const est = f.parameters.find((p) => p.name === name);
    const nonId = f.notIdentifiable.find((n) => n.name === name);
    if (est && !est.fixed) {
      parameters[name] = {
        value: sig(est.value),
        ci95: pair(est.ci95),
        ci_method: est.ciMethod,
        unit: r.units[name],
        fixed: false,
        se: sig(est.se),
        ci95_jacobian: pair(est.ci95Jacobian),
        ...(est.ci95Profile ? { ci95_profile: pair(est.ci95Profile) } : {}),
        ...(est.ci95Bootstrap ? { ci95_bootstrap: pair(est.ci95Bootstrap) } : {}),
        at_bound: est.atBound,
      };
    } else {
      const v = est ? est.value : r.values[name];
      parameters[name] = {
        value: sig(v),
        ci95: null,
        ci_method: 'fixed',
        unit: r.units[name],
        fixed: true,
        source: nonId ? 'not identifiable' : name in m.fixed ? 'model file' : v === null ? 'derived (eta_th = eta_K(a_eff) from K_IC)' : 'model default',
      };
    }
  }
  const correlations: Record<string, Record<string, number | null>> = {};
  const fn = f.freeNames;
  fn.forEach((a, i) => {
    correlations[a] = {};
    fn.forEach((b, j) => {
      if (i !== j) correlations[a][b] = sig(f.correlation[i * fn.length + j], 4);
    });
  });
  const allNames = [...m.fit, 'length0_um'];
  return {
    schema_version: 1,
    model: m.model,
    inclusion_id: r.inclusionId,
    converged: f.converged,
    chi2_red: sig(f.chi2Red, 4),
    parameters,
    correlations,
    not_identifiable: f.notIdentifiable.map((n) => ({
      name: n.name,
      reason: n.reason,
      fixed_at: sig(n.fixedAt),
      estimate_before_fixing: sig(n.estimateBeforeFixing),
      ...(n.profile ? { profile_ci95: pair(n.profile.ci95), profile_open: { lower: n.profile.lowerOpen, upper: n.profile.upperOpen } } : {}),
    })),
    n_points: r.nPoints,
    sigma_pos_um: sig(r.sigmaPosUm, 4),
    sigma_pos_front_um: sig(r.sigmaFrontUm, 4),
    sigma_pos_back_um: sig(r.sigmaBackUm, 4),
    sigma_pos_source: r.sigmaPosSource,
    loss: { name: 'soft_l1', f_scale_um: sig(2 * r.sigmaPosUm, 4) },
    dof: f.dof,
    starts: { run: f.startsRun, converged: f.startsConverged },
    other_basins: f.otherBasins.map((b) => ({
      delta_chi2: sig(b.deltaChi2, 4),
      hits: b.hits,
      parameters: Object.fromEntries(allNames.map((n, i) => [n, sig(b.x[i])])),
    })),
    nuisance: { length0_um: { value: sig(r.length0Um.value), se: sig(r.length0Um.se, 4) } },
    field_axis: { plating_edge: m.plating_edge, origin_um: sig(r.originUm), note: 'positions along lab x (electrode A → B, toward the plating edge), origin at the first front' },
    frame_interval_s: sig(r.frameIntervalS),
    timing_ms: { estimate: sig(f.estimateMs, 4), total: sig(f.elapsedMs, 4) },
    bootstrap_replicates_converged: f.bootstrapReplicatesConverged,
    lidtrack_version: LIDTRACK_VERSION,
  };
}
