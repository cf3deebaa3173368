/**
 * `specbound serve-model`: any local model behind an OpenAI-compatible API in vLLM's shapes, a
 * reference server for pipelines (and what the openai backend's tests talk to).
 */
import type { Command } from 'commander';
import { InvalidValueError } from '../../core/errors.js';
import { printJson } from '../output.js';
import { parseInteger } from '../parse.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_CONNECTIONS, SERVER_TIMEOUTS } from '../../models/server/limits.js';

interface ServeModelOptions {
  model: string;
  port: number;
  host: string;
  name?: string;
  maxLogprobs: number;
  maxTokens: number;
  maxBodyBytes: number;
  maxRequestTokens: number;
  maxResponseLogprobs: number;
  maxConnections: number;
  allowedHosts?: string;
  chatTemplate: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('serve-model')
    .summary('serve a local model through an OpenAI-compatible API (vLLM shapes)')
    .description(
      'Serves a local model (builtin, llama2c:PATH, …) over HTTP as vLLM does, so tools written for\n' +
        'vLLM, and specbound itself (--model openai:URL#model=NAME), can use it:\n' +
        '  GET  /v1/models                 the one served model\n' +
        '  POST /v1/completions            prompt as text or token ids; max_tokens, temperature, seed,\n' +
        '                                  echo, logprobs (top-k per generated token), prompt_logprobs\n' +
        '                                  (top-k at every prompt position), return_tokens_as_token_ids\n' +
        '  POST /tokenize, POST /detokenize  vLLM\'s tokenizer endpoints; /tokenize also takes chat\n' +
        '                                  messages (rendered with --chat-template; add_generation_prompt,\n' +
        '                                  continue_final_message, add_special_tokens as in vLLM)\n' +
        '  GET  /v1/specbound/vocabulary   vocabulary size and token texts (specbound extension)\n' +
        'Logprobs are the model\'s temperature-1 log-probabilities whatever the sampling temperature\n' +
        '(vLLM\'s default logprobs mode). Bad requests get OpenAI-style error bodies\n' +
        '{"error": {"message", "type", "param", "code"}} with 400/403/404/405/413/415/503.\n\n' +
        'It listens on 127.0.0.1 unless --host says otherwise, prints its URL, and stops cleanly on\n' +
        'Ctrl-C (SIGINT) or SIGTERM. It answers only requests whose Host is a loopback name, the\n' +
        '--host or an --allowed-hosts name (403 otherwise), takes POST bodies only as\n' +
        'application/json (415 otherwise), and refuses with 400 any completion whose work or\n' +
        'response exceeds a limit below, before doing it. Requests take turns on the model token\n' +
        'by token; a client that disconnects stops its request. At most --max-connections\n' +
        `connections are served at once (503 past it); a request's headers must arrive within ${SERVER_TIMEOUTS.headersMs / 1000} s and\n` +
        `the whole request within ${SERVER_TIMEOUTS.requestMs / 1000} s; idle keep-alive connections close after ${SERVER_TIMEOUTS.keepAliveMs / 1000} s.\n\n` +
        'Examples:\n' +
        '  specbound serve-model --model builtin --port 8000\n' +
        '  specbound serve-model --model llama2c:stories260K.bin --port 0 --json\n' +
        '  curl -s localhost:8000/v1/completions -H \'Content-Type: application/json\' -d \'{"prompt": "Once upon", "max_tokens": 1, "logprobs": 5}\'',
    )
    .requiredOption('--model <model>', 'the model to serve: builtin, builtin-draft, llama2c:PATH[#tokenizer=PATH], …')
    .option('--port <n>', 'TCP port; 0 picks a free one (printed)', (v) => parseInteger('--port', v, { min: 0, max: 65535 }), 8000)
    .option('--host <address>', 'address to bind; 0.0.0.0 exposes the server to the network', '127.0.0.1')
    .option('--name <served-name>', 'model name clients must ask for (default: the --model spelling)')
    .option('--max-logprobs <k>', 'largest logprobs / prompt_logprobs a request may ask (vLLM default 20)', (v) => parseInteger('--max-logprobs', v, { min: 0, max: 1_000_000 }), 20)
    .option('--max-tokens <n>', 'largest max_tokens a request may ask', (v) => parseInteger('--max-tokens', v, { min: 1 }), 4096)
    .option('--max-body-bytes <n>', 'largest request body; larger requests get 413', (v) => parseInteger('--max-body-bytes', v, { min: 1024 }), 1 << 20)
    .option(
      '--max-request-tokens <n>',
      'most token positions (prompt tokens + max_tokens, summed over the prompts) one request may ask',
      (v) => parseInteger('--max-request-tokens', v, { min: 1 }),
      DEFAULT_LIMITS.maxRequestTokens,
    )
    .option(
      '--max-response-logprobs <n>',
      'most logprob entries (scored positions × (logprobs + 1)) one response may carry',
      (v) => parseInteger('--max-response-logprobs', v, { min: 1 }),
      DEFAULT_LIMITS.maxResponseLogprobs,
    )
    .option('--chat-template <how>', 'the template /tokenize renders chat messages with: auto (the model\'s own, a gguf: tokenizer.chat_template; none otherwise), off, or a Jinja template FILE', 'auto')
    .option(
      '--max-connections <n>',
      'most connections open at once; one more is answered 503 (Retry-After: 1) and closed, those open keep being served, and past twice this many new connections are closed on accept',
      (v) => parseInteger('--max-connections', v, { min: 1, max: 1_000_000 }),
      DEFAULT_MAX_CONNECTIONS,
    )
    .option('--allowed-hosts <names>', 'comma-separated host names accepted in the Host header besides loopback names and --host')
    .option('--json', 'print {"url", "model", "host", "port"} as JSON on start instead of a sentence')
    .action(async (opts: ServeModelOptions) => {
      if (opts.host.trim() === '') throw new InvalidValueError('--host', opts.host, 'empty');
      const { loadModel } = await import('../../models/registry.js');
      const { createModelServer } = await import('../../models/server/model-server.js');
      const { resolveChatTemplate } = await import('../../models/chat-template.js');
      if (opts.chatTemplate === 'server') throw new InvalidValueError('--chat-template', opts.chatTemplate, 'serve-model is the server: give auto, off or a template FILE (./server for a file of that name)');
      const chatTemplate = await resolveChatTemplate(opts.chatTemplate, opts.model);
      const model = await loadModel(opts.model);
      const modelName = opts.name ?? model.name;
      const allowedHosts = (opts.allowedHosts ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
      const server = createModelServer({
        model,
        modelName,
        maxLogprobs: opts.maxLogprobs,
        maxTokens: opts.maxTokens,
        maxBodyBytes: opts.maxBodyBytes,
        maxRequestTokens: opts.maxRequestTokens,
        maxResponseLogprobs: opts.maxResponseLogprobs,
        maxConnections: opts.maxConnections,
        allowedHosts,
        ...(chatTemplate?.kind === 'text' ? { chatTemplate } : {}),
      });
      let url: string;
      try {
        url = await server.listen(opts.port, opts.host);
      } catch (err) {
        await model.close?.();
        const code = (err as { code?: string }).code;
        throw new InvalidValueError(code === 'EADDRINUSE' ? '--port' : '--host', code === 'EADDRINUSE' ? opts.port : opts.host, `cannot listen on ${opts.host}:${opts.port} (${code ?? String(err)})`);
      }
      const port = Number(new URL(url).port);
      if (opts.json === true) printJson({ url, model: modelName, host: opts.host, port });
      else process.stdout.write(`serving ${modelName} at ${url} (Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
      await model.close?.();
      process.stderr.write('serve-model: stopped\n');
    });
}
