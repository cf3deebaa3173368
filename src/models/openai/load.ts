// PLACEHOLDER until its issue lands: replaced by the backend's real loader.
import { SpecboundError } from '../../core/errors.js';
import type { LanguageModel } from '../model.js';
import type { ModelSpec } from '../spec.js';

export function loadOpenAIModel(spec: ModelSpec): Promise<LanguageModel> {
  return Promise.reject(new SpecboundError(`model backend "${spec.scheme}" is not available yet`));
}
