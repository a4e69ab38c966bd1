import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { resolveServerBinary } from '../../engine/binary/resolveServerBinary';
import { checkEngine, EngineClient, EngineAuthError, EngineContextOverflowError, EngineError, EngineModelMissingError } from '../../engine/client';
import { EngineSupervisor, type SupervisorEvent } from '../../engine/supervisor/engineSupervisor';
import { prepareAudio, prepareImage } from '../../engine/media';
import { encodeWav16Mono } from '../../engine/media/wavEncode';
import { ensureTinyGemma4Set, type TinyGemma4Set } from '../../scripts/testModels/tinyGemma4';
import { pngBytes, raster } from '../fixtures/media/synth';

/** A 16-bit mono WAV of a tone, as a recorder would write it. */
function toneWav(seconds: number, rate = 44_100): Buffer {
  const samples = new Float32Array(Math.round(seconds * rate));
  // Rising and falling four times a second, as syllables do: a steady tone is not speech and is refused.
  for (let i = 0; i < samples.length; i++) samples[i] = 0.37 * (0.55 + 0.45 * Math.cos(8 * Math.PI * (i / rate))) * Math.sin((2 * Math.PI * 440 * i) / rate);
  return encodeWav16Mono(samples, rate);
}

/*
 * Engine tier: our supervisor runs the real llama-server on the tiny synthetic Gemma 4 set,
 * and our client talks to it. Random weights: these tests prove plumbing, not answers.
 */
describe('engine: supervised llama-server on the synthetic set', function () {
  this.timeout(120_000);
  let models: TinyGemma4Set;
  let binary: string;
  let supervisor: EngineSupervisor;
  const events: SupervisorEvent[] = [];

  const client = (): EngineClient => {
    const endpoint = supervisor.endpoint;
    assert.ok(endpoint, 'engine is running');
    return new EngineClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey });
  };

  before(async () => {
    models = await ensureTinyGemma4Set();
    binary = (await resolveServerBinary({ variant: 'cpu-native', allowBuild: false, envPath: '' })).path;
    supervisor = new EngineSupervisor(
      { binary, model: models.model, drafter: models.drafter, projector: models.projector, contextSize: 4096, gpuLayers: '0', draft: { maxTokens: 2, minProbability: 0 } },
      { restartDelaysMs: [200, 400, 800], startTimeoutMs: 60_000 },
    );
    supervisor.onEvent((e) => {
      if (e.type !== 'log') events.push(e);
      // A crash is a finding: show what the server printed last.
      if (e.type === 'crashed' && !/SIGKILL/.test(String(e.signal))) console.error(`llama-server stopped (${e.signal ?? e.code}):\n${e.logTail}`);
    });
  });

  after(async () => {
    await supervisor?.dispose();
  });

  it('starts, waits for /health and serves on loopback only', async () => {
    const endpoint = await supervisor.start();
    assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(endpoint.url).port);
    // /proc/net/tcp lists listening sockets (state 0A) as hex ip:port; ours must be 127.0.0.1 only.
    const listening = fs
      .readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length > 3 && f[3] === '0A' && parseInt(f[1].split(':')[1], 16) === port);
    assert.ok(listening.length > 0, 'the server socket is listed');
    for (const fields of listening) assert.equal(fields[1].split(':')[0], '0100007F', 'bound to 127.0.0.1');
    assert.equal(fs.readFileSync('/proc/net/tcp6', 'utf8').includes(`:${port.toString(16).toUpperCase().padStart(4, '0')} `), false, 'not on IPv6');
    assert.equal(await client().health(), 'ok');
  });

  it('refuses requests without the key (401)', async () => {
    const endpoint = supervisor.endpoint!;
    const anonymous = new EngineClient({ baseUrl: endpoint.url });
    await assert.rejects(anonymous.chat({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }), EngineAuthError);
    const raw = await fetch(`${endpoint.url}/v1/models`);
    assert.equal(raw.status, 401);
  });

  it('passes the remote engine check: its one model listed by its path, its context and modalities from /props', async () => {
    const endpoint = supervisor.endpoint!;
    const check = await checkEngine(new EngineClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey }));
    assert.deepEqual(check.models.map((m) => m.id), [models.model], 'llama-server lists the path it was given with -m');
    assert.equal(check.model, models.model);
    assert.equal(check.readiness, 'ok');
    assert.equal(check.contextSize, 4096);
    assert.deepEqual(check.modalities, { vision: true, audio: true });
    await assert.rejects(checkEngine(new EngineClient({ baseUrl: endpoint.url, apiKey: 'wrong' })), EngineAuthError);
    await assert.rejects(checkEngine(new EngineClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey }), { model: 'another.gguf' }), EngineModelMissingError);
    // A request that names the model is served as one that does not.
    const named = await client().withModel(check.model).chat({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 4, chat_template_kwargs: { enable_thinking: false } });
    assert.ok(['stop', 'length'].includes(named.finishReason), named.finishReason);
  });

  it('reports a prompt longer than its context as a context overflow, with both numbers', async () => {
    // The synthetic vocabulary has byte tokens and one merge: a character is about a token.
    const error = await client()
      .chat({ messages: [{ role: 'user', content: 'word '.repeat(1200) }], max_tokens: 4 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof EngineContextOverflowError, String(error));
    assert.equal(error.contextSize, 4096);
    assert.ok((error.promptTokens ?? 0) > 4096, String(error.promptTokens));
  });

  it('streams text with timings and drafts with the MTP drafter', async () => {
    let text = '';
    let done: Extract<import('../../engine/client').ChatEvent, { type: 'done' }> | undefined;
    for await (const event of client().streamChat({ messages: [{ role: 'user', content: 'Write a line of code.' }], max_tokens: 24, temperature: 0, chat_template_kwargs: { enable_thinking: false } })) {
      if (event.type === 'text') text += event.delta;
      if (event.type === 'done') done = event;
    }
    assert.ok(text.length > 0, 'some text streamed');
    assert.ok(done?.timings, 'timings arrive with the last chunk');
    assert.ok(done.timings.predicted_n > 0);
    assert.ok((done.timings.draft_n ?? 0) > 0, 'the drafter proposed tokens');
  });

  it('returns a forced tool call as a parsed call', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } } }];
    const result = await client().chat({ messages: [{ role: 'user', content: 'Read README.md' }], tools, tool_choice: 'required', max_tokens: 32, temperature: 0, chat_template_kwargs: { enable_thinking: false } });
    // The grammar forces the call and its name; random weights never close the arguments,
    // so the turn ends on the token limit with a call whose arguments are cut short.
    assert.equal(result.toolCalls.length, 1);
    assert.equal(result.toolCalls[0].name, 'read_file');
    assert.match(result.toolCalls[0].arguments, /^\{/);
    assert.equal(result.text, '', 'a forced call leaves no free text');
    assert.ok(['tool_calls', 'length'].includes(result.finishReason), result.finishReason);
  });

  /** Prompt tokens of a one-turn request; the difference to text alone is what the media cost. */
  const promptTokens = async (content: import('../../engine/protocol').UserMessage['content']): Promise<number> => {
    const result = await client().chat({ messages: [{ role: 'user', content }], max_tokens: 1, temperature: 0, cache_prompt: false, chat_template_kwargs: { enable_thinking: false } });
    assert.ok(result.timings, 'timings reported');
    return result.timings.prompt_n + result.timings.cache_n;
  };

  it('counts an image exactly as estimated before sending', async () => {
    const screenshot = pngBytes(raster(1280, 800, (x, y) => [(x * 7) & 255, (y * 3) & 255, 128, 255]));
    const image = await prepareImage(screenshot, { maxTokens: 280 });
    assert.ok(image.tokens <= 280 && image.resized);
    const base = await promptTokens([{ type: 'text', text: 'What is this?' }]);
    const withImage = await promptTokens([{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: image.dataUrl() } }]);
    assert.equal(withImage - base, image.tokens);
  });

  it('takes the largest image the projector allows without aborting', async () => {
    const image = await prepareImage(pngBytes(raster(1920, 1080, (x) => [x & 255, 0, 0, 255])), { maxTokens: 1120 });
    assert.ok(image.tokens > 512, `${image.tokens} tokens: more than one default micro-batch`);
    const base = await promptTokens([{ type: 'text', text: 'Describe.' }]);
    const withImage = await promptTokens([{ type: 'text', text: 'Describe.' }, { type: 'image_url', image_url: { url: image.dataUrl() } }]);
    assert.equal(withImage - base, image.tokens);
  });

  it('counts audio exactly as estimated before sending', async () => {
    const audio = await prepareAudio(toneWav(2));
    const base = await promptTokens([{ type: 'text', text: 'Do this.' }]);
    const withAudio = await promptTokens([{ type: 'text', text: 'Do this.' }, { type: 'input_audio', input_audio: { data: audio.wav.toString('base64'), format: 'wav' } }]);
    assert.equal(withAudio - base, audio.tokens);
  });

  it('gives a typed error when the engine dies mid-stream, and the supervisor brings it back', async () => {
    const before = supervisor.endpoint!;
    const stream = client().streamChat({ messages: [{ role: 'user', content: 'Count to one thousand.' }], max_tokens: 2000, temperature: 0, chat_template_kwargs: { enable_thinking: false } });
    let received = 0;
    await assert.rejects(
      (async () => {
        for await (const event of stream) {
          if (event.type === 'text' && ++received === 3) process.kill(before.pid, 'SIGKILL');
        }
      })(),
      (err: unknown) => {
        return err instanceof EngineError && err.retryable;
      },
    );
    const after = await supervisor.waitUntilReady();
    assert.notEqual(after.pid, before.pid);
    assert.ok(events.some((e) => e.type === 'crashed'));
    assert.equal(await client().health(), 'ok');
  });

  it('stops cleanly and restarts on request', async () => {
    const { pid } = supervisor.endpoint!;
    const restarted = await supervisor.restart();
    assert.notEqual(restarted.pid, pid);
    assert.throws(() => process.kill(pid, 0), 'the old process is gone');
    await supervisor.stop();
    assert.equal(supervisor.endpoint, undefined);
    assert.throws(() => process.kill(restarted.pid, 0), 'stopped process is gone');
  });
});
