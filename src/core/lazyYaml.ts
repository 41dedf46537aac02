/**
 * The yaml package, loaded on first use: it takes ≈ 40 ms to load, and `lidtrack track` on a
 * recording never reads YAML (pipeline files, batch manifests, scenarios and model files do).
 * Loaded synchronously, through require (the package ships CommonJS), so the parsers stay sync.
 */
import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';

let mod: typeof YamlModule | null = null;

export function yaml(): typeof YamlModule {
  return (mod ??= createRequire(import.meta.url)('yaml') as typeof YamlModule);
}
