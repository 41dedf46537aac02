/**
 * `import()` of an npm package, for the few loaded on first use (sharp, vega, vega-lite).
 *
 * Why not `import()` in place: the built CLI is a CommonJS bundle that bin/lidtrack.js compiles
 * with a V8 code cache (vm.Script: ≈ 45 ms less at every start than parsing the bundle as an ES
 * module), and code compiled by vm.Script cannot call `import()` in Node 20 without an
 * experimental flag. bin/lidtrack.js therefore hands in its own `import` as
 * `globalThis.__lidtrackImport`; from the sources (tsx, vitest) there is none and `import()` runs
 * here.
 */
type Importer = (specifier: string) => Promise<unknown>;

export function importPackage<T>(name: string): Promise<T> {
  const hook = (globalThis as { __lidtrackImport?: Importer }).__lidtrackImport;
  return (hook ? hook(name) : import(name)) as Promise<T>;
}
