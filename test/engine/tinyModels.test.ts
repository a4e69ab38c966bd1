import { strict as assert } from 'node:assert';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { buildDir, findBuiltServer } from '../../engine/binary/llamaServerBuild';
import { encodeWav16Mono } from '../../engine/media/wavEncode';
import { LLAMA_CPP_COMMIT } from '../../engine/binary/llamaSource';
import { TinyGemma4Set, ensureTinyGemma4Set } from '../../scripts/testModels/tinyGemma4';
import { freePort } from '../support/processes';

/*
 * Engine tier: the real llama-server loads the tiny Gemma 4 set (target, MTP drafter,
 * image/audio projector) and serves text, image and audio requests. A missing binary is a
 * failure, not a skip: this tier exists to prove the set loads.
 */

function findServerBinary(): string {
  const fromEnv = process.env.LLAMA_SERVER;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`LLAMA_SERVER points at ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  const found = findBuiltServer('cpu-native');
  if (!found) {
    throw new Error(`No llama-server binary: set LLAMA_SERVER to one, or run "npm run engine:build" (llama.cpp ${LLAMA_CPP_COMMIT}, cpu-native, into ${buildDir('cpu-native')}).`);
  }
  return found;
}

class ServerUnderTest {
  private proc: ChildProcess | null = null;
  private log = '';
  private exited: number | null = null;
  base = '';
  loadMs = 0;

  async start(binary: string, args: string[]): Promise<void> {
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    const started = performance.now();
    const proc = spawn(binary, [...args, '--host', '127.0.0.1', '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    const keep = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString('utf8')).slice(-20000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.on('exit', (code, signal) => {
      this.exited = code ?? (signal ? 128 : -1);
    });

    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      if (this.exited !== null) {
        throw new Error(`llama-server exited with ${this.exited} while loading. Its log ends with:\n${this.tail()}`);
      }
      try {
        const res = await fetch(`${this.base}/health`);
        if (res.status === 200) {
          this.loadMs = Math.round(performance.now() - started);
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`llama-server did not report healthy within 60 s. Its log ends with:\n${this.tail()}`);
  }

  tail(lines = 40): string {
    return this.log.split('\n').slice(-lines).join('\n');
  }

  async post(route: string, body: unknown): Promise<{ status: number; json: ChatResponse; text: string }> {
    const res = await fetch(`${this.base}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let json: ChatResponse = {};
    try {
      json = JSON.parse(text) as ChatResponse;
    } catch {
      // leave empty; the status and text tell what happened
    }
    return { status: res.status, json, text };
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || this.exited !== null) return;
    const gone = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

interface ChatResponse {
  choices?: { message?: { content?: string | null; reasoning_content?: string | null }; finish_reason?: string }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  timings?: { prompt_n?: number; predicted_n?: number; draft_n?: number; draft_n_accepted?: number };
  modalities?: { vision?: boolean; audio?: boolean };
}

type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'input_audio'; input_audio: { data: string; format: 'wav' } };

function chatBody(content: string | ContentPart[], maxTokens = 8): unknown {
  return {
    messages: [{ role: 'user', content }],
    max_tokens: maxTokens,
    temperature: 0,
    chat_template_kwargs: { enable_thinking: false },
  };
}

/** A minimal RGB PNG encoder: one IDAT, filter 0 on every row. */
function encodePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function replyText(r: ChatResponse): string {
  return r.choices?.[0]?.message?.content ?? '';
}

const GREEDY_PROMPTS = ['Write one short sentence about rivers.', 'Explain recursion to a child.'];
const GREEDY_TOKENS = 48;

describe('tiny Gemma 4 set on llama-server', function () {
  this.timeout(120000);
  let binary: string;
  let set: TinyGemma4Set;
  const withDrafter = new ServerUnderTest();
  const greedyWithDrafter: string[] = [];

  before(async () => {
    binary = findServerBinary();
    set = await ensureTinyGemma4Set();
    await withDrafter.start(binary, [
      '-m', set.model,
      '--mmproj', set.projector,
      '-md', set.drafter,
      '--spec-type', 'draft-mtp',
      '--spec-draft-n-max', '2',
      '-c', '2048',
    ]);
    console.log(`      loaded target + drafter + projector in ${withDrafter.loadMs} ms`);
  });

  after(async () => {
    await withDrafter.stop();
  });

  it('reports both image and audio input', async () => {
    const props = (await (await fetch(`${withDrafter.base}/props`)).json()) as ChatResponse;
    assert.equal(props.modalities?.vision, true);
    assert.equal(props.modalities?.audio, true);
  });

  it('answers chat completions with text, drafting with the MTP drafter', async () => {
    for (const prompt of GREEDY_PROMPTS) {
      const res = await withDrafter.post('/v1/chat/completions', chatBody(prompt, GREEDY_TOKENS));
      assert.equal(res.status, 200, `${res.text}\n${withDrafter.tail()}`);
      const reply = replyText(res.json);
      assert.ok(reply.length > 0, `empty reply: ${res.text}`);
      const t = res.json.timings ?? {};
      assert.ok((t.draft_n ?? 0) > 0, `the drafter did not run: timings ${JSON.stringify(t)}`);
      // the tiny drafter proposes the last token again and the target repeats tokens in runs
      assert.ok((t.draft_n_accepted ?? 0) > 0, `no draft was accepted: timings ${JSON.stringify(t)}`);
      greedyWithDrafter.push(reply);
      console.log(`      ${JSON.stringify(reply)}: draft_n ${t.draft_n}, accepted ${t.draft_n_accepted}`);
    }
  });

  it('turns a 400x300 image into about 82 tokens', async () => {
    const png = encodePng(400, 300, (x, y) => [(x * 255) / 399, (y * 255) / 299, 128]);
    const text: ContentPart = { type: 'text', text: 'What is in this picture?' };
    const image: ContentPart = { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } };
    const plain = await withDrafter.post('/v1/chat/completions', chatBody([text]));
    const withImage = await withDrafter.post('/v1/chat/completions', chatBody([text, image]));
    assert.equal(plain.status, 200, plain.text);
    assert.equal(withImage.status, 200, `${withImage.text}\n${withDrafter.tail()}`);
    const extra = (withImage.json.usage?.prompt_tokens ?? 0) - (plain.json.usage?.prompt_tokens ?? 0);
    console.log(`      image adds ${extra} prompt tokens`);
    // 48 px per token: ceil(400/48) x ceil(300/48) patches after resizing, plus 2 wrapper tokens
    assert.ok(extra >= 70 && extra <= 100, `image added ${extra} prompt tokens`);
  });

  it('turns one second of 16 kHz audio into about 25 tokens', async () => {
    const rate = 16000;
    const tone = Float32Array.from({ length: rate }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate));
    const wav = encodeWav16Mono(tone, rate);
    const text: ContentPart = { type: 'text', text: 'What do you hear?' };
    const audio: ContentPart = { type: 'input_audio', input_audio: { data: wav.toString('base64'), format: 'wav' } };
    const plain = await withDrafter.post('/v1/chat/completions', chatBody([text]));
    const withAudio = await withDrafter.post('/v1/chat/completions', chatBody([text, audio]));
    assert.equal(plain.status, 200, plain.text);
    assert.equal(withAudio.status, 200, `${withAudio.text}\n${withDrafter.tail()}`);
    const extra = (withAudio.json.usage?.prompt_tokens ?? 0) - (plain.json.usage?.prompt_tokens ?? 0);
    console.log(`      audio adds ${extra} prompt tokens`);
    // 640 samples (40 ms) per token, plus 2 wrapper tokens
    assert.ok(extra >= 25 && extra <= 30, `one second of audio added ${extra} prompt tokens`);
  });

  describe('without the drafter', () => {
    const plainServer = new ServerUnderTest();
    before(async () => {
      await plainServer.start(binary, ['-m', set.model, '--mmproj', set.projector, '-c', '2048']);
    });
    after(async () => {
      await plainServer.stop();
    });

    it('decodes greedily to the same text as with the drafter', async () => {
      assert.equal(greedyWithDrafter.length, GREEDY_PROMPTS.length, 'the drafter replies are missing; see the test above');
      for (const [i, prompt] of GREEDY_PROMPTS.entries()) {
        const res = await plainServer.post('/v1/chat/completions', chatBody(prompt, GREEDY_TOKENS));
        assert.equal(res.status, 200, res.text);
        assert.ok(!res.json.timings?.draft_n, 'no drafter was loaded, yet tokens were drafted');
        assert.equal(replyText(res.json), greedyWithDrafter[i]);
      }
    });
  });
});
