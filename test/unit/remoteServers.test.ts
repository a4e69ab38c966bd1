import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAgent } from '../../agent/loop';
import type { AgentEvent } from '../../agent/events';
import {
  checkEngine,
  EngineAuthError,
  EngineClient,
  EngineContextOverflowError,
  EngineModelMissingError,
  EngineModelRequiredError,
  EngineNotOpenAiError,
  EngineUnavailableError,
  type ChatEvent,
} from '../../engine/client';
import type { ChatRequest } from '../../engine/protocol';
import { eventsOfType, MemoryWorkspace, memoryTools, ScriptedApprover } from '../support/agentTestKit';
import { freePort } from '../support/processes';
import { contextOverflow, reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { SERVER_PROFILES, serverProfile, type ServerProfileName } from '../support/serverProfiles';

const hello: ChatRequest = { messages: [{ role: 'user', content: 'hello' }] };

async function collect(events: AsyncIterable<ChatEvent>): Promise<{ events: ChatEvent[]; error: unknown }> {
  const seen: ChatEvent[] = [];
  try {
    for await (const event of events) seen.push(event);
  } catch (error) {
    return { events: seen, error };
  }
  return { events: seen, error: undefined };
}

/** A web server that is not an inference server: a page at /, 404 for the rest. */
async function webPage(status = 404, body = '<html><body>Not here</body></html>'): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/' ? 200 : status, { 'Content-Type': 'text/html' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

for (const name of SERVER_PROFILES) {
  describe(`remote engine: ${name}`, () => {
    let engine: ScriptedEngine;
    const profile = serverProfile(name);

    afterEach(async () => {
      await engine?.close();
    });

    it('is checked: the one model it lists is named in every request', async () => {
      engine = await startScriptedEngine({ profile: name, apiKey: 'team-key', props: { nCtx: 16384 } });
      const probe = new EngineClient({ baseUrl: engine.url, apiKey: 'team-key' });
      const check = await checkEngine(probe);
      assert.equal(check.model, profile.defaultModel);
      assert.deepEqual(check.models.map((m) => m.id), [profile.defaultModel]);
      // llama-server says its context in /props, vLLM and SGLang in /v1/models; Ollama and LM Studio do not say.
      assert.equal(check.contextSize, ['llama-server', 'vllm', 'sglang'].includes(name) ? 16384 : undefined);
      assert.equal(check.readiness, ['llama-server', 'vllm', 'sglang'].includes(name) ? 'ok' : 'unknown');
      assert.equal(check.modalities !== undefined, name === 'llama-server', 'only llama-server has /props');

      engine.push(reply('Hi.'), reply('Again.'));
      const client = probe.withModel(check.model);
      const { error } = await collect(client.streamChat(hello));
      assert.equal(error, undefined);
      assert.equal(engine.requests[0].body.model, profile.defaultModel);
      const { error: second } = await collect(client.streamChat({ ...hello, model: 'named-by-the-request' }));
      // A request's own model wins; a server that checks it refuses one it does not serve.
      assert.equal(engine.requests[1].body.model, 'named-by-the-request');
      if (['vllm', 'ollama'].includes(name)) assert.ok(second instanceof EngineModelMissingError, String(second));
    });

    it('reads the thinking from the field it streams it in', async () => {
      engine = await startScriptedEngine({ profile: name });
      engine.push(reply({ reasoning: 'Think first, then answer.', text: 'Answer.' }));
      const client = new EngineClient({ baseUrl: engine.url, model: profile.defaultModel });
      const result = await client.chat(hello);
      assert.equal(result.reasoning, 'Think first, then answer.');
      assert.equal(result.text, 'Answer.');
      assert.equal(result.message.reasoning_content, 'Think first, then answer.');
    });

    it('recognises its context overflow, with the numbers it gives', async () => {
      engine = await startScriptedEngine({ profile: name });
      engine.push(contextOverflow({ promptTokens: 9000, nCtx: 8192 }));
      const client = new EngineClient({ baseUrl: engine.url, model: profile.defaultModel });
      const { error } = await collect(client.streamChat(hello));
      assert.ok(error instanceof EngineContextOverflowError, `${name}: ${String(error)}`);
      const numbers = name === 'ollama' ? [undefined, undefined] : [9000, 8192];
      assert.deepEqual([error.promptTokens, error.contextSize], numbers);
    });

    it('makes the agent compact and retry on that overflow', async () => {
      engine = await startScriptedEngine({ profile: name });
      engine.push(
        toolCallReply({ name: 'read_file', arguments: { path: 'big.js' } }),
        toolCallReply({ name: 'read_file', arguments: { path: 'big.js' } }),
        contextOverflow({ nCtx: 4096, promptTokens: 9000 }),
        reply('It is a long line of y.'),
      );
      const events: AgentEvent[] = [];
      const result = await runAgent({
        client: new EngineClient({ baseUrl: engine.url, model: profile.defaultModel }),
        workspace: new MemoryWorkspace({ 'big.js': 'y'.repeat(20_000) }),
        tools: memoryTools(),
        approver: new ScriptedApprover(),
        contextSize: 1_000_000,
        request: 'What is in big.js?',
        onEvent: (event) => events.push(event),
      });
      assert.equal(result.reason, 'answered', result.error);
      assert.equal(eventsOfType(events, 'context-compacted').length, 1);
      assert.ok(engine.requests.every((r) => r.body.model === profile.defaultModel), 'every step names the model');
    });

    it('says so when the key is wrong', async () => {
      engine = await startScriptedEngine({ profile: name, apiKey: 'team-key' });
      const error = await checkEngine(new EngineClient({ baseUrl: engine.url, apiKey: 'wrong' })).catch((e: unknown) => e);
      assert.ok(error instanceof EngineAuthError, `${name}: ${String(error)}`);
      assert.equal(error.status, 401);
    });

    it('says so when it does not serve the model asked for', async () => {
      engine = await startScriptedEngine({ profile: name });
      const error = await checkEngine(new EngineClient({ baseUrl: engine.url }), { model: 'gemma-3-27b' }).catch((e: unknown) => e);
      assert.ok(error instanceof EngineModelMissingError, `${name}: ${String(error)}`);
      assert.equal(error.model, 'gemma-3-27b');
      assert.deepEqual(error.available, [profile.defaultModel]);
      assert.match(error.message, new RegExp(`no model named "gemma-3-27b"; it serves "${profile.defaultModel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
    });

    it('finds the model asked for as the server spells it', async () => {
      engine = await startScriptedEngine({ profile: name, models: [profile.defaultModel, 'another-model'] });
      const check = await checkEngine(new EngineClient({ baseUrl: engine.url }), { model: ` ${profile.defaultModel.toUpperCase()} ` });
      assert.equal(check.model, profile.defaultModel);
      const error = await checkEngine(new EngineClient({ baseUrl: engine.url })).catch((e: unknown) => e);
      assert.ok(error instanceof EngineModelRequiredError, 'several models and none chosen');
      assert.deepEqual(error.available, [profile.defaultModel, 'another-model']);
    });
  });
}

describe('remote engine: servers that need the model in every request', () => {
  const cases: Array<{ name: ServerProfileName; legacy?: boolean }> = [{ name: 'ollama' }, { name: 'lmstudio' }, { name: 'vllm', legacy: true }];
  for (const { name, legacy } of cases) {
    it(`${name}${legacy ? ' (older release)' : ''} refuses a request without it, and answers one with it`, async () => {
      const engine = await startScriptedEngine({ profile: name, legacy: legacy === true });
      try {
        engine.push(reply('Hello.'));
        const bare = await collect(new EngineClient({ baseUrl: engine.url }).streamChat(hello));
        assert.ok(bare.error instanceof EngineModelRequiredError, `${name}: ${String(bare.error)}`);
        assert.equal(engine.remainingSteps, 1, 'refused before any step');
        const check = await checkEngine(new EngineClient({ baseUrl: engine.url }));
        const named = await collect(new EngineClient({ baseUrl: engine.url, model: check.model }).streamChat(hello));
        assert.equal(named.error, undefined);
        assert.equal(engine.requests.at(-1)?.body.model, serverProfile(name).defaultModel);
      } finally {
        await engine.close();
      }
    });
  }

  it('older vLLM streams its thinking as reasoning_content, newer as reasoning', async () => {
    const older = await startScriptedEngine({ profile: 'vllm', legacy: true });
    try {
      older.push(reply({ reasoning: 'Hm.', text: 'Yes.' }));
      const result = await new EngineClient({ baseUrl: older.url, model: 'google/gemma-4-12b-it' }).chat(hello);
      assert.equal(result.reasoning, 'Hm.');
    } finally {
      await older.close();
    }
  });
});

describe('remote engine: a wrong URL', () => {
  it('where nothing listens', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const error = await checkEngine(new EngineClient({ baseUrl: url })).catch((e: unknown) => e);
    assert.ok(error instanceof EngineUnavailableError, String(error));
    assert.equal(error.url, url);
  });

  it('where a web server answers 404 for /v1/models', async () => {
    const page = await webPage();
    try {
      const error = await checkEngine(new EngineClient({ baseUrl: page.url })).catch((e: unknown) => e);
      assert.ok(error instanceof EngineNotOpenAiError, String(error));
      assert.equal(error.status, 404);
      assert.match(error.message, /does not answer as an OpenAI-compatible engine \(GET \/v1\/models answered HTTP 404\)/);
    } finally {
      await page.close();
    }
  });

  it('where a page answers 200 for everything', async () => {
    const page = await webPage(200);
    try {
      const error = await checkEngine(new EngineClient({ baseUrl: page.url })).catch((e: unknown) => e);
      assert.ok(error instanceof EngineNotOpenAiError, String(error));
      assert.match(error.message, /\/v1\/models is not JSON/);
    } finally {
      await page.close();
    }
  });

  it('a llama-server still loading is not a failure: the check says it loads', async () => {
    const engine = await startScriptedEngine();
    try {
      engine.setLoading(true);
      const check = await checkEngine(new EngineClient({ baseUrl: engine.url }), { model: 'gemma' });
      assert.deepEqual([check.readiness, check.model, check.models], ['loading', 'gemma', []]);
    } finally {
      await engine.close();
    }
  });
});
