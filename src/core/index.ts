export * from './types.js';
export * from './units.js';
export * from './errors.js';
export * from "./version.js";
