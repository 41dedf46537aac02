/**
 * Forward models (MODEL.md): the electro-chemo-mechanical and dendrite relations (§1, §3)
 * and Model A, the reduced-order ODE model (§2). Model B (2-D finite volume) lives in ./fv2d.
 */
export * from './relations/index.js';
export * from './reduced/index.js';
export * from './fv2d/index.js';
