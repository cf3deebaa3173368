/** Every bound and estimate of the paper, as small pure functions (nats; P counts the root). */
export * from './validate.js';
export * from './theorem1.js';
export * from './integral-form.js';
export * from './lemma3.js';
export * from './limit.js';
export * from './intervals.js';
export * from './lemma7.js';
export * from './trivial.js';
export * from './runtime.js';
export * from './inverse.js';
export * from './presets.js';
