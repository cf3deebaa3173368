/**
 * `openai:URL[,URL…]#model=NAME[&logprobs=K]…` → an OpenAIModel. Loading asks every replica's
 * `/v1/models` that it serves NAME (so a typo fails at once, naming the replica), then reads the
 * vocabulary: specbound's `serve-model` reports it at `/v1/specbound/vocabulary`; for other
 * servers (vLLM does not expose its vocabulary size) the spelling must say `&vocab=V`.
 */
import { InvalidValueError } from '../../core/errors.js';
import type { LanguageModel } from '../model.js';
import type { ModelSpec } from '../spec.js';
import { clientOptionsFromSpec, type OpenAIClientOptions } from './client-options.js';
import { InvalidModelResponseError, ModelServerError, ModelServerStatusError } from './errors.js';
import { OpenAIModel } from './openai-model.js';
import { describeZodProblem, modelListSchema, vocabularySchema, type Vocabulary } from './response-schema.js';
import { ModelServerTransport, type TransportOptions } from './transport.js';

export function loadOpenAIModel(spec: ModelSpec): Promise<LanguageModel> {
  return createOpenAIModel(clientOptionsFromSpec(spec));
}

/** Connects to the replicas and checks they serve the model. Tests pass `fetch`/`random` here. */
export async function createOpenAIModel(options: OpenAIClientOptions & Pick<TransportOptions, 'fetch' | 'fastPath' | 'random' | 'onRetry'>): Promise<OpenAIModel> {
  const transport = new ModelServerTransport(options);
  const lens = await Promise.all(options.endpoints.map((_, i) => checkServesModel(transport, i, options.model)));
  const vocabulary = await fetchVocabulary(transport, options.model);
  const vocabSize = options.vocabSize ?? vocabulary?.vocab_size;
  if (vocabSize === undefined) {
    throw new InvalidValueError('model', options.name ?? options.model, `${transport.endpoints[0]} does not report its vocabulary size; add &vocab=V to the model spelling (V = the model's vocab_size in config.json)`);
  }
  if (vocabulary !== undefined && vocabulary.vocab_size !== vocabSize) {
    throw new InvalidValueError('vocab', vocabSize, `the server reports a vocabulary of ${vocabulary.vocab_size}`, options.name);
  }
  const maxModelLen = lens.find((l) => l !== undefined);
  return new OpenAIModel(transport, {
    model: options.model,
    logprobs: options.logprobs,
    vocabSize,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.promptsPerRequest === undefined ? {} : { promptsPerRequest: options.promptsPerRequest }),
    ...(vocabulary === undefined ? {} : { vocabulary }),
    ...(maxModelLen === undefined ? {} : { contextLength: maxModelLen }),
  });
}

/** `GET /v1/models` on replica `index`: the model must be listed. Returns its max_model_len. */
async function checkServesModel(transport: ModelServerTransport, index: number, model: string): Promise<number | undefined> {
  return transport.onReplica(
    index,
    '/models',
    (client, opts) => client.get('/models', opts),
    (raw, endpoint) => {
      const r = modelListSchema.safeParse(raw);
      if (!r.success) throw new InvalidModelResponseError(endpoint, `not a model list (${describeZodProblem(r.error)})`);
      const card = r.data.data.find((m) => m.id === model);
      if (card === undefined) {
        throw new InvalidModelResponseError(endpoint, `does not serve model ${JSON.stringify(model)} (it serves ${r.data.data.map((m) => JSON.stringify(m.id)).join(', ') || 'nothing'})`);
      }
      return card.max_model_len ?? undefined;
    },
  );
}

/** specbound's vocabulary extension, or undefined when the server has none (404). */
async function fetchVocabulary(transport: ModelServerTransport, model: string): Promise<Vocabulary | undefined> {
  try {
    return await transport.onReplica(
      0,
      '/specbound/vocabulary',
      (client, opts) => client.get('/specbound/vocabulary', opts),
      (raw, endpoint) => {
        const r = vocabularySchema.safeParse(raw);
        if (!r.success) throw new InvalidModelResponseError(endpoint, `not a vocabulary (${describeZodProblem(r.error)})`);
        const v = r.data;
        if (v.model !== model) throw new InvalidModelResponseError(endpoint, `vocabulary of model ${JSON.stringify(v.model)}, asked for ${JSON.stringify(model)}`);
        if (v.tokens.length !== v.vocab_size || v.pieces.length !== v.vocab_size) throw new InvalidModelResponseError(endpoint, `vocabulary lists ${v.tokens.length} tokens, vocab_size says ${v.vocab_size}`);
        return v;
      },
    );
  } catch (err) {
    if (err instanceof ModelServerStatusError && (err.status === 404 || err.status === 405)) return undefined;
    if (err instanceof ModelServerError) throw err;
    throw err;
  }
}
