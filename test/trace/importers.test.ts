import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importResponses, openTrace, readVocabulary } from '../../src/trace/index.js';
import type { ImportOptions, TracePosition } from '../../src/trace/index.js';
import { entropyInterval, probabilityOf, secondLogMomentInterval, tailCapOf } from '../../src/distribution/index.js';
import { InputFileError } from '../../src/core/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'specbound-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(name: string, responses: readonly unknown[], options: Partial<ImportOptions> & Pick<ImportOptions, 'format'>) {
  const input = path.join(dir, `${name}.in.jsonl`);
  await writeFile(input, responses.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  const output = path.join(dir, `${name}.trace.jsonl`);
  const result = await importResponses({ inputs: [input], output, vocabSize: 1000, ...options });
  const trace = await openTrace(output);
  const positions: TracePosition[] = [];
  for await (const p of trace.positions()) positions.push(p);
  return { result, header: trace.header, positions, input, output };
}

const ln = Math.log;

describe('importResponses', () => {
  it('openai-completions: top_logprobs dicts become top-k positions, the echoed null entry skipped', async () => {
    // Shape of a /v1/completions response with "logprobs": 2 and "echo": true.
    const response = {
      model: 'gpt-test',
      choices: [
        {
          index: 0,
          text: 'Hi there',
          logprobs: {
            tokens: ['Hi', ' there', '!'],
            token_logprobs: [null, ln(0.5), ln(0.9)],
            top_logprobs: [null, { ' there': ln(0.5), ' you': ln(0.3) }, { '!': ln(0.9), '.': ln(0.05) }],
            text_offset: [0, 2, 8],
          },
        },
      ],
    };
    const { header, positions, result } = await run('completions', [response], { format: 'openai-completions' });
    expect(result).toEqual({ sequences: 1, positions: 2, renormalized: 0 });
    expect(header).toMatchObject({ model: 'gpt-test', vocabSize: 1000, source: 'specbound import --from openai-completions' });
    // ids in order of first appearance over (sampled token, top entries): ' there' 0, ' you' 1, '!' 2, '.' 3
    expect(header.tokens).toEqual([' there', ' you', '!', '.']);
    expect(positions.map((p) => [p.seq, p.pos, p.token])).toEqual([
      [0, 1, 0],
      [0, 2, 2],
    ]);
    const d = positions[0]!.dist;
    expect(d.kind).toBe('sparse');
    expect(d.kind === 'sparse' && d.tailMass).toBeCloseTo(0.2, 12);
    expect(probabilityOf(positions[1]!.dist, 3)).toBeCloseTo(0.05, 12);
  });

  it('openai-chat: content[].top_logprobs; the same text twice gets two ids; a line\'s task labels it', async () => {
    const entry = (token: string, top: [string, number][]) => ({ token, logprob: ln(top[0]![1]), bytes: [], top_logprobs: top.map(([t, p]) => ({ token: t, logprob: ln(p), bytes: [] })) });
    const response = {
      model: 'chat-test',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'ok' },
          logprobs: { content: [entry('o', [['o', 0.6], ['\ufffd', 0.2], ['\ufffd', 0.1]]), entry('k', [['k', 0.99]])] },
        },
      ],
    };
    const { positions, header } = await run('chat', [{ task: 'qa', response }], { format: 'openai-chat' });
    expect(positions.length).toBe(2);
    expect(positions[0]!.task).toBe('qa');
    expect(header.tokens).toEqual(['o', '\ufffd', '\ufffd', 'k']);
    const d = positions[0]!.dist;
    expect(d.kind === 'sparse' && Array.from(d.ids)).toEqual([0, 1, 2]);
    expect(d.kind === 'sparse' && d.tailMass).toBeCloseTo(0.1, 12);
  });

  it('openai-chat inside an OpenAI Batch output line {custom_id, response: {body}}', async () => {
    const body = { model: 'b', choices: [{ index: 0, logprobs: { content: [{ token: 'a', logprob: 0, top_logprobs: [{ token: 'a', logprob: 0 }] }] } }] };
    const { positions } = await run('batch', [{ id: 'batch_req_1', custom_id: 'r1', response: { status_code: 200, body } }], { format: 'openai-chat' });
    expect(positions.length).toBe(1);
    expect(positions[0]!.dist.kind === 'sparse' && positions[0]!.dist.tailMass).toBe(0);
  });

  it('vllm-prompt-logprobs: ids from the keys, the prompt token from prompt_token_ids, an off-list rank kept but not used as the cap', async () => {
    // vLLM completions with "prompt_logprobs": 2: each dict = top-2 plus the actual prompt token.
    const response = {
      model: 'vllm-model',
      choices: [
        {
          index: 0,
          prompt_token_ids: [1, 15, 77],
          prompt_logprobs: [
            null,
            { '15': { logprob: ln(0.4), rank: 1, decoded_token: 'a' }, '16': { logprob: ln(0.3), rank: 2, decoded_token: 'b' } },
            { '5': { logprob: ln(0.7), rank: 1, decoded_token: 'c' }, '6': { logprob: ln(0.2), rank: 2, decoded_token: 'd' }, '77': { logprob: ln(0.001), rank: 40, decoded_token: 'e' } },
          ],
        },
      ],
    };
    const { positions, header } = await run('vllm', [response], { format: 'vllm-prompt-logprobs' });
    expect(header.tokens).toBeUndefined();
    expect(positions.map((p) => [p.pos, p.token])).toEqual([
      [1, 15],
      [2, 77],
    ]);
    const d = positions[1]!.dist;
    // Token 77 (rank 40 > 3 entries) is the prompt token vLLM adds; it stays listed (its probability
    // is known) but the unlisted tokens are capped by the 2nd-ranked 0.2, not by its 0.001.
    expect(d.kind === 'sparse' && Array.from(d.ids)).toEqual([5, 6, 77]);
    expect(d.kind === 'sparse' && d.tailMass).toBeCloseTo(0.099, 12);
    expect(d.kind === 'sparse' && d.tailCap).toBeCloseTo(0.2, 12);
    // Hand computation, V = 1000, k = 3 listed, tail r = 0.099 under cap 0.2:
    // concentrated = one token of 0.099 (⌊0.099/0.2⌋ = 0 full tokens); spread = 997 tokens of 0.099/997.
    const listedH = -(0.7 * ln(0.7) + 0.2 * ln(0.2) + 0.001 * ln(0.001));
    const listedM = 0.7 * ln(0.7) ** 2 + 0.2 * ln(0.2) ** 2 + 0.001 * ln(0.001) ** 2;
    const [hLow, hHigh] = entropyInterval(d);
    expect(hLow).toBeCloseTo(listedH - 0.099 * ln(0.099), 12);
    expect(hHigh).toBeCloseTo(listedH + 0.099 * ln(997 / 0.099), 12);
    const [mLow, mHigh] = secondLogMomentInterval(d);
    expect(mLow).toBeCloseTo(listedM + 0.099 * ln(0.099) ** 2, 12);
    expect(mHigh).toBeCloseTo(listedM + 0.099 * ln(0.099 / 997) ** 2, 12);
  });

  it('vllm-prompt-logprobs: a prompt token of rank k + 1 completes a top-(k+1) list, its probability is the cap', async () => {
    const response = { model: 'v', choices: [{ index: 0, prompt_token_ids: [1, 9], prompt_logprobs: [null, { '3': { logprob: ln(0.6), rank: 1 }, '4': { logprob: ln(0.25), rank: 2 }, '9': { logprob: ln(0.1), rank: 3 } }] }] };
    const { positions } = await run('vllm-k1', [response], { format: 'vllm-prompt-logprobs' });
    const d = positions[0]!.dist;
    expect(d.kind === 'sparse' && tailCapOf(d)).toBeCloseTo(0.05, 12); // min(0.1, tail 0.05)
    expect(d.kind === 'sparse' && d.tailCap).toBeUndefined();
  });

  it('openai-completions: the k + 1-th entry (the sampled token) does not set the cap on unlisted tokens', async () => {
    // "logprobs": 2; the sampled token 's' is outside the top 2, so the API lists 3 entries
    // (OpenAI: "up to logprobs+1 elements"). Truth: a 0.5, b 0.3, s 0.05 listed; r = 0.15 unlisted,
    // each unlisted token ≤ 0.3 (b is the 2nd most probable), NOT ≤ 0.05.
    const response = {
      model: 'c',
      choices: [{ index: 0, logprobs: { tokens: ['s'], token_logprobs: [ln(0.05)], top_logprobs: [{ a: ln(0.5), b: ln(0.3), s: ln(0.05) }] } }],
    };
    const { positions, output } = await run('kplus1', [response], { format: 'openai-completions' });
    const d = positions[0]!.dist;
    expect(d.kind === 'sparse' && d.tailCap).toBeCloseTo(0.3, 12);
    const listedH = -(0.5 * ln(0.5) + 0.3 * ln(0.3) + 0.05 * ln(0.05));
    const listedM = 0.5 * ln(0.5) ** 2 + 0.3 * ln(0.3) ** 2 + 0.05 * ln(0.05) ** 2;
    // concentrated: ⌊0.15/0.3⌋ = 0 full tokens, one token of 0.15; spread: 997 tokens of 0.15/997.
    const [hLow, hHigh] = entropyInterval(d);
    expect(hLow).toBeCloseTo(listedH - 0.15 * ln(0.15), 12); // 1.14212
    expect(hLow).toBeCloseTo(1.14212, 5);
    expect(hHigh).toBeCloseTo(listedH + 0.15 * ln(997 / 0.15), 12); // 2.177834
    const [mLow, mHigh] = secondLogMomentInterval(d);
    expect(mLow).toBeCloseTo(listedM + 0.15 * ln(0.15) ** 2, 12);
    expect(mHigh).toBeCloseTo(listedM + 0.15 * ln(0.15 / 997) ** 2, 12);
    // The old reading (cap 0.05: three tail tokens of 0.05) printed a low end of 1.306914, above
    // the entropy 1.142 of the consistent distribution {a .5, b .3, s .05, one token .15}.
    expect(hLow).toBeLessThan(listedH + 3 * 0.05 * -ln(0.05) - 0.16);
    // The trace stores the cap, so `stats` on the file reads the same interval.
    expect((JSON.parse((await readFile(output, 'utf8')).split('\n')[1]!) as { dist: { cap: unknown } }).dist.cap).toBeCloseTo(0.3, 12);
  });

  it('openai-chat: vLLM lists [sampled, top 1 … top k−1] when the sampled token is outside the top k; the cap ignores it', async () => {
    // "top_logprobs": 2, sampled 's' (0.05) is not in the top 2 = {a 0.5, b 0.3}: vLLM's
    // _get_top_logprobs keeps the first 2 entries of {s, a, b} → [s, a]. Unlisted: b 0.3 and 0.15
    // more, each ≤ 0.5 (a), so the cap is 0.5 and the concentrated tail is one token of 0.45.
    const content = [{ token: 's', logprob: ln(0.05), top_logprobs: [{ token: 's', logprob: ln(0.05) }, { token: 'a', logprob: ln(0.5) }] }];
    const { positions } = await run('chat-extra', [{ model: 'm', choices: [{ logprobs: { content } }] }], { format: 'openai-chat' });
    const d = positions[0]!.dist;
    expect(d.kind === 'sparse' && d.tailMass).toBeCloseTo(0.45, 12);
    expect(d.kind === 'sparse' && tailCapOf(d)).toBeCloseTo(0.45, 12); // min(cap 0.5, tail 0.45)
    const listedH = -(0.5 * ln(0.5) + 0.05 * ln(0.05));
    const [hLow, hHigh] = entropyInterval(d);
    expect(hLow).toBeCloseTo(listedH - 0.45 * ln(0.45), 12);
    expect(hHigh).toBeCloseTo(listedH + 0.45 * ln(998 / 0.45), 12);
    // The true distribution {a .5, b .3, s .05, .15 on one token} lies inside.
    const truth = -(0.5 * ln(0.5) + 0.3 * ln(0.3) + 0.05 * ln(0.05) + 0.15 * ln(0.15));
    expect(hLow).toBeLessThanOrEqual(truth);
    expect(hHigh).toBeGreaterThanOrEqual(truth);
  });

  it('vllm-prompt-logprobs: the top-level prompt_logprobs of a chat response', async () => {
    const response = { model: 'v', choices: [{ index: 0, message: {} }], prompt_token_ids: [3, 4], prompt_logprobs: [null, { '4': { logprob: ln(0.5), rank: 1 } }] };
    const { positions } = await run('vllmchat', [response], { format: 'vllm-prompt-logprobs' });
    expect(positions.map((p) => [p.pos, p.token])).toEqual([[1, 4]]);
  });

  it('token_id:N strings are ids; a --vocab maps byte-level and SentencePiece spellings', async () => {
    const vocabFile = path.join(dir, 'tokenizer.json');
    await writeFile(vocabFile, JSON.stringify({ model: { type: 'BPE', vocab: { 'Ġthe': 5, '▁a': 6, '<0x0A>': 7, x: 8 } }, added_tokens: [{ id: 9, content: '<|eot|>' }] }));
    const vocab = await readVocabulary(vocabFile);
    const content = [{ token: 'token_id:3', logprob: ln(0.5), top_logprobs: [{ token: 'token_id:3', logprob: ln(0.5) }, { token: ' the', logprob: ln(0.2) }, { token: ' a', logprob: ln(0.1) }, { token: '\n', logprob: ln(0.1) }, { token: '<|eot|>', logprob: ln(0.05) }] }];
    const { positions } = await run('vocab', [{ model: 'm', choices: [{ logprobs: { content } }] }], { format: 'openai-chat', vocab, vocabSize: 10 });
    const d = positions[0]!.dist;
    expect(positions[0]!.token).toBe(3);
    expect(d.kind === 'sparse' && Array.from(d.ids)).toEqual([3, 5, 6, 7, 9]);
  });

  it('readVocabulary(file) refuses two different tokens on one id, naming both (they would merge silently)', async () => {
    const vocabFile = path.join(dir, 'dup-vocab.json');
    await writeFile(vocabFile, JSON.stringify({ a: 0, b: 0, c: 1 }));
    await expect(readVocabulary(vocabFile)).rejects.toThrow(`${vocabFile}: tokens "a" and "b" both have id 0`);
  });

  it('rejects bad responses with the input file:line and writes no output', async () => {
    const good = { model: 'm', choices: [{ logprobs: { content: [{ token: 'a', logprob: 0, top_logprobs: [{ token: 'a', logprob: 0 }] }] } }] };
    const cases: [string, unknown[], Partial<ImportOptions>, RegExp][] = [
      ['malformed', [good, '{"model":'], {}, /malformed\.in\.jsonl:2: malformed JSON/],
      ['nologprobs', [{ model: 'm', choices: [{ index: 0, message: {} }] }], {}, /nologprobs\.in\.jsonl:1: choices\.0\.logprobs\.content is missing \(make the request with "logprobs": true/],
      ['oversum', [{ model: 'm', choices: [{ logprobs: { content: [{ token: 'a', logprob: 0, top_logprobs: [{ token: 'a', logprob: ln(0.8) }, { token: 'b', logprob: ln(0.5) }] }] } }] }], {}, /oversum\.in\.jsonl:1: choices\.0\.logprobs\.content\.0\.top_logprobs: probabilities sum to 1\.30000, off 1 by 0\.300/],
      ['toomany', [{ model: 'm', choices: [{ logprobs: { content: [{ token: 'a', logprob: 0, top_logprobs: [{ token: 'b', logprob: ln(0.5) }, { token: 'c', logprob: ln(0.5) }] }] } }] }], { vocabSize: 2 }, /toomany\.in\.jsonl:1: more than --vocab-size 2 distinct tokens/],
      ['idrange', [{ model: 'm', choices: [{ logprobs: { content: [{ token: 'token_id:5000', logprob: 0, top_logprobs: [] }] } }] }], {}, /idrange\.in\.jsonl:1: token id 5000 .* outside the vocabulary/],
    ];
    for (const [name, lines, extra, message] of cases) {
      const err = await run(name, lines, { format: 'openai-chat', ...extra }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputFileError);
      expect((err as Error).message).toMatch(message);
      expect((await readdir(dir)).filter((f) => f.startsWith(`${name}.trace`) || f.startsWith(`.${name}.trace`))).toEqual([]);
    }
  });

  it('--renormalize accepts over-unity top-k lists with one warning', async () => {
    const warnings: string[] = [];
    const line = { model: 'm', choices: [{ logprobs: { content: [{ token: 'a', logprob: 0, top_logprobs: [{ token: 'a', logprob: ln(0.8) }, { token: 'b', logprob: ln(0.4) }] }] } }] };
    const { result, positions } = await run('renorm', [line, line], { format: 'openai-chat', renormalize: true, onWarning: (w) => warnings.push(w) });
    expect(result.renormalized).toBe(2);
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/renormalised 2 distributions .*largest deviation 0\.200/);
    expect(probabilityOf(positions[0]!.dist, 0)).toBeCloseTo(0.8 / 1.2, 12);
  });
});
