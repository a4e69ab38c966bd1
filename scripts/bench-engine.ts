// npm run bench:engine
// Prints one JSON object per line: {"metric", "value", "unit", ...}. Runs against the tiny
// synthetic Gemma 4 set unless GEMMA_AGENT_MODEL / _DRAFTER / _PROJECTOR name real files.
// Random weights make the speed figures plumbing figures: they show our overhead, not
// Gemma 4's speed.
import { performance } from 'node:perf_hooks';
import { resolveServerBinary } from '../engine/binary/resolveServerBinary';
import { EngineClient } from '../engine/client';
import type { ChatMessage, ChatRequest } from '../engine/protocol';
import { prepareAudio, prepareImage } from '../engine/media';
import { EngineSupervisor, type EngineEndpoint } from '../engine/supervisor/engineSupervisor';
import { ensureTinyGemma4Set } from './testModels/tinyGemma4';
import { jpegBytes, pngBytes, raster } from '../test/fixtures/media/synth';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DECODE_TOKENS = Number(process.env.BENCH_TOKENS ?? 256);

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ metric, value: Number(value.toFixed(3)), unit, ...extra }));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const request = (content: string): ChatRequest => ({
  messages: [{ role: 'user', content }],
  max_tokens: DECODE_TOKENS,
  temperature: 0,
  cache_prompt: false,
  chat_template_kwargs: { enable_thinking: false },
});

/** Decode speed and time to first token through our client. */
async function viaClient(client: EngineClient, content: string): Promise<{ tps: number; ttftMs: number; draftN: number; accepted: number }> {
  const start = performance.now();
  let first = 0;
  let tokens = 0;
  let draftN = 0;
  let accepted = 0;
  for await (const event of client.streamChat(request(content))) {
    if (event.type === 'text' && !first) first = performance.now();
    if (event.type === 'done' && event.timings) {
      tokens = event.timings.predicted_n;
      draftN = event.timings.draft_n;
      accepted = event.timings.draft_n_accepted;
    }
  }
  const end = performance.now();
  return { tps: (tokens - 1) / ((end - first) / 1000), ttftMs: first - start, draftN, accepted };
}

/** The same request with plain fetch and the least SSE handling that still reads every chunk. */
async function direct(endpoint: EngineEndpoint, content: string): Promise<{ tps: number; ttftMs: number }> {
  const start = performance.now();
  const res = await fetch(`${endpoint.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${endpoint.apiKey}` },
    body: JSON.stringify({ ...request(content), stream: true }),
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let first = 0;
  let tokens = 0;
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    if (!first && buffer.includes('"content"')) first = performance.now();
    const timings = /"predicted_n":(\d+)/.exec(buffer);
    if (timings) tokens = Number(timings[1]);
    buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
  }
  const end = performance.now();
  return { tps: (tokens - 1) / ((end - first) / 1000), ttftMs: first - start };
}

async function withEngine<T>(config: ConstructorParameters<typeof EngineSupervisor>[0], run: (endpoint: EngineEndpoint) => Promise<T>): Promise<T> {
  const supervisor = new EngineSupervisor(config);
  try {
    return await run(await supervisor.start());
  } finally {
    await supervisor.dispose();
  }
}

async function main(): Promise<void> {
  const tiny = await ensureTinyGemma4Set();
  const model = process.env.GEMMA_AGENT_MODEL ?? tiny.model;
  const drafter = process.env.GEMMA_AGENT_DRAFTER ?? (process.env.GEMMA_AGENT_MODEL ? undefined : tiny.drafter);
  const projector = process.env.GEMMA_AGENT_PROJECTOR ?? (process.env.GEMMA_AGENT_MODEL ? undefined : tiny.projector);
  const binary = process.env.GEMMA_AGENT_SERVER ?? (await resolveServerBinary({ variant: 'cpu-native', envPath: '' })).path;
  const base = { binary, model, projector, contextSize: 4096, gpuLayers: 'auto' };
  const prompts = ['Write a function that parses a header.', 'Explain this stack trace.', 'Rename the variable.', 'Add a unit test.', 'Summarise the file.'];
  const label = { model: model.split('/').pop() };

  // Decode through our client vs direct, without the drafter (so only our overhead differs).
  await withEngine(base, async (endpoint) => {
    const client = new EngineClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey });
    await viaClient(client, 'warm up');
    const ours: number[] = [];
    const theirs: number[] = [];
    const ttft: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const p = prompts[i % prompts.length];
      const a = await viaClient(client, p);
      const b = await direct(endpoint, p);
      ours.push(a.tps);
      ttft.push(a.ttftMs);
      theirs.push(b.tps);
    }
    emit('decode_tokens_per_second_client', median(ours), 'tokens/s', { ...label, runs: RUNS, drafter: false });
    emit('decode_tokens_per_second_direct', median(theirs), 'tokens/s', { ...label, runs: RUNS, drafter: false });
    emit('client_vs_direct_decode_ratio', median(ours) / median(theirs), 'ratio', label);
    emit('time_to_first_token', median(ttft), 'ms', { ...label, runs: RUNS });

    // Prompt cache over a 5-turn conversation: each turn appends to the same prefix.
    const history: ChatMessage[] = [{ role: 'system', content: 'You are a coding assistant working in a TypeScript project.' }];
    let cached = 0;
    let total = 0;
    for (let turn = 0; turn < 5; turn++) {
      history.push({ role: 'user', content: `${prompts[turn]} (turn ${turn + 1})` });
      const result = await client.chat({ messages: history, max_tokens: 32, temperature: 0, chat_template_kwargs: { enable_thinking: false } });
      history.push(result.message);
      if (result.timings) {
        cached += result.timings.cache_n;
        total += result.timings.cache_n + result.timings.prompt_n;
      }
    }
    emit('prompt_tokens_cached_over_total_5_turns', cached / total, 'ratio', { ...label, cached, total });
  });

  // The MTP drafter: acceptance and decode speed with it.
  if (drafter) {
    await withEngine({ ...base, drafter, draft: { maxTokens: 2, minProbability: 0 } }, async (endpoint) => {
      const client = new EngineClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey });
      await viaClient(client, 'warm up');
      const tps: number[] = [];
      let drafted = 0;
      let accepted = 0;
      for (let i = 0; i < RUNS; i++) {
        const r = await viaClient(client, prompts[i % prompts.length]);
        tps.push(r.tps);
        drafted += r.draftN;
        accepted += r.accepted;
      }
      emit('decode_tokens_per_second_with_drafter', median(tps), 'tokens/s', { ...label, runs: RUNS, draft_max: 2 });
      emit('draft_acceptance_rate', drafted ? accepted / drafted : 0, 'ratio', { ...label, drafted, accepted });
    });
  }

  // Media preparation on the extension host, before anything is sent.
  const screenshot = raster(1920, 1080, (x, y) => [(x * 13) & 255, (y * 7) & 255, ((x ^ y) * 3) & 255, 255]);
  const inputs: [string, Buffer][] = [
    ['png_1920x1080', pngBytes(screenshot)],
    ['jpeg_1920x1080', jpegBytes(screenshot)],
  ];
  for (const [name, bytes] of inputs) {
    const times: number[] = [];
    let tokens = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      tokens = (await prepareImage(bytes)).tokens;
      times.push(performance.now() - t0);
    }
    emit('image_preprocess_time', median(times), 'ms', { input: name, tokens, runs: RUNS });
  }
  const wav = stereoWav(30, 48_000);
  const audioTimes: number[] = [];
  let audioTokens = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    audioTokens = (await prepareAudio(wav)).tokens;
    audioTimes.push(performance.now() - t0);
  }
  emit('audio_preprocess_time', median(audioTimes), 'ms', { input: 'wav_30s_48k_stereo', tokens: audioTokens, runs: RUNS });
}

/** 16-bit stereo speech-like noise bursts, as a desktop recorder might write. */
function stereoWav(seconds: number, rate: number): Buffer {
  const frames = seconds * rate;
  const buf = Buffer.alloc(44 + frames * 4);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + frames * 4, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(2, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 4, 28);
  buf.writeUInt16LE(4, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(frames * 4, 40);
  for (let i = 0; i < frames; i++) {
    const t = i / rate;
    const v = Math.round(8000 * Math.sin(2 * Math.PI * 220 * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t)));
    buf.writeInt16LE(v, 44 + i * 4);
    buf.writeInt16LE(v, 46 + i * 4);
  }
  return buf;
}

main().catch((err: Error) => {
  console.error(`bench:engine failed: ${err.message}`);
  process.exit(1);
});
