/** Electro-chemo-mechanical relations (MODEL.md §1) and dendrite relations (MODEL.md §3). */
export * from './tipKinematics.js';
export * from './crackMechanics.js';
export * from './butlerVolmer.js';
export * from './theveninCurrent.js';
export * from './dendriteCollection.js';
export * from './impliedFillThickness.js';
export * from './timeToShort.js';
export * from './dendriteThevenin.js';
