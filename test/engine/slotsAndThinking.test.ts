import { strict as assert } from 'node:assert';
import { resolveServerBinary } from '../../engine/binary/resolveServerBinary';
import { AgentSession } from '../../agent/loop';
import { DEFAULT_APPROVAL_SETTINGS } from '../../agent/policy/approvalSettings';
import { EngineClient } from '../../engine/client';
import type { ChatRequest } from '../../engine/protocol';
import { EngineSupervisor } from '../../engine/supervisor/engineSupervisor';
import { ensureTinyGemma4Set } from '../../scripts/testModels/tinyGemma4';
import { MemoryWorkspace, memoryTools, ScriptedApprover } from '../support/agentTestKit';

/*
 * The real llama-server as the extension launches it (two slots sharing one KV buffer) on
 * the synthetic set: an inline request during a long agent step is served beside it, the
 * step's slot keeps its cache, and a per-request thinking budget ends the thought where it
 * says. Random weights: a grammar makes the model open a thought, so the budget has one to cut.
 */
describe('engine: two slots and the thinking budget (synthetic set)', function () {
  this.timeout(120_000);
  let supervisor: EngineSupervisor;
  let client: EngineClient;

  before(async () => {
    const models = await ensureTinyGemma4Set();
    const binary = (await resolveServerBinary({ variant: 'cpu-native', allowBuild: false, envPath: '' })).path;
    supervisor = new EngineSupervisor({ binary, model: models.model, contextSize: 4096, gpuLayers: '0' }, { startTimeoutMs: 60_000 });
    const endpoint = await supervisor.start();
    client = new EngineClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey });
  });
  after(async () => {
    await supervisor?.dispose();
  });

  async function run(request: ChatRequest, onFirst?: () => void): Promise<{ text: string; reasoning: string; cached: number; prompt: number }> {
    let text = '';
    let reasoning = '';
    let cached = 0;
    let prompt = 0;
    for await (const event of client.streamChat(request)) {
      if ((event.type === 'text' || event.type === 'reasoning') && onFirst) {
        onFirst();
        onFirst = undefined;
      }
      if (event.type === 'text') text += event.delta;
      if (event.type === 'reasoning') reasoning += event.delta;
      if (event.type === 'done' && event.timings) {
        cached = event.timings.cache_n;
        prompt = event.timings.cache_n + event.timings.prompt_n;
      }
    }
    return { text, reasoning, cached, prompt };
  }

  it('serves an inline request beside a long step, and the step keeps its cache', async () => {
    const history = 'The agent has read several files. '.repeat(40);
    const step: ChatRequest = { messages: [{ role: 'user', content: `${history}Go on.` }], max_tokens: 300, temperature: 0, chat_template_kwargs: { enable_thinking: false } };
    const nextOf = (text: string): ChatRequest => ({ ...step, messages: [...step.messages, { role: 'assistant', content: text }, { role: 'user', content: 'And then?' }], max_tokens: 4 });
    // Without an inline request: what the next step has to read anyway (its new messages).
    const alone = await run(step);
    const baseline = await run(nextOf(alone.text));
    // The same step again, with an inline request sent while it generates.
    let stepDone = 0;
    let inlineFirst = 0;
    const long = run(step).then((r) => {
      stepDone = Date.now();
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    const inline = run({ messages: [{ role: 'user', content: 'Rename x.' }], max_tokens: 8, temperature: 0, chat_template_kwargs: { enable_thinking: false } }, () => (inlineFirst = Date.now()));
    const [again] = await Promise.all([long, inline]);
    assert.ok(inlineFirst > 0 && inlineFirst < stepDone, 'the inline request streamed before the long step finished');
    const next = await run(nextOf(again.text));
    const lost = next.prompt - next.cached - (baseline.prompt - baseline.cached);
    assert.ok(lost <= 200, `the next step lost at most 200 tokens of cache to the inline request (lost ${lost}; new ${next.prompt - next.cached} against ${baseline.prompt - baseline.cached} alone)`);
  });

  it('warms up with the system prompt and tools, so the first question starts from the cache', async () => {
    const session = new AgentSession({ client, workspace: new MemoryWorkspace({ 'a.js': 'x' }), tools: memoryTools(), approver: new ScriptedApprover(), approval: { ...DEFAULT_APPROVAL_SETTINGS }, sampling: { maxTokens: 4, thinking: false } });
    await session.warmUp();
    let timings: { promptTokens: number; cachedTokens: number } | undefined;
    await session.run('What is in a.js?', {
      onEvent: (event) => {
        if (event.type === 'step-finished' && event.timings && !timings) timings = { promptTokens: event.timings.totalPromptTokens, cachedTokens: event.timings.cachedPromptTokens };
      },
    });
    assert.ok(timings, 'the first step reported its timings');
    // Everything before the user's question was read during the warm-up.
    assert.ok(timings.cachedTokens > timings.promptTokens * 0.8, `first step: ${timings.cachedTokens} of ${timings.promptTokens} prompt tokens from the cache`);
  });

  it('ends the thought at the budget it is given', async () => {
    const grammar = 'root ::= <|channel> "thought\\n" [a-z ]* <channel|> [a-z ]*';
    const ask = (budget: number) => run({ messages: [{ role: 'user', content: 'hello' }], max_tokens: 60, temperature: 1, seed: 3, chat_template_kwargs: { enable_thinking: true }, thinking_budget_tokens: budget, ...({ grammar } as object) } as ChatRequest);
    const free = await ask(-1);
    const five = await ask(5);
    const twelve = await ask(12);
    // One byte per token in the synthetic vocabulary: the thought's length is its token count.
    assert.ok(free.reasoning.length > 20, `without a budget the thought runs on (${free.reasoning.length})`);
    // The budget counts from the opening tag, so the thought's text may hold one token more or less.
    assert.ok(five.reasoning.length <= 5 + 1, `budget 5: ${five.reasoning.length} tokens of thought`);
    assert.ok(twelve.reasoning.length <= 12 + 1 && twelve.reasoning.length > five.reasoning.length, `budget 12: ${twelve.reasoning.length}`);
    assert.ok(five.text.length > 0, 'the answer follows the cut thought');
  });
});
