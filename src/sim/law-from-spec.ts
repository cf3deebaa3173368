/** Rebuilds any law from its `spec` (how worker threads receive the law of the main thread). */
import type { ChildLaw, LawSpec } from './child-law.js';
import { dirichletLawFromSpec } from './dirichlet-law.js';
import { noisyDrafterLawFromSpec } from './noisy-drafter-law.js';
import { tableLawFromSpec } from './table-law.js';

export function lawFromSpec(spec: LawSpec): ChildLaw {
  switch (spec.kind) {
    case 'table':
      return tableLawFromSpec(spec);
    case 'dirichlet':
      return dirichletLawFromSpec(spec);
    case 'noisy-drafter':
      return noisyDrafterLawFromSpec(spec, lawFromSpec(spec.verifier));
  }
}
