import { strict as assert } from 'node:assert';
import type { AgentEvent } from '../../agent/events';
import { MessageRouter, type WebviewHandlers } from '../../extension/chat/core/messageRouter';
import { CARD_OUTPUT_CHARS, promptProgressText, TurnProjection, type TurnEffect } from '../../extension/chat/core/turnProjection';
import type { HostMessage, WebviewToHost } from '../../webview/protocol';

function project(events: AgentEvent[], contextSize = 8192): { turn: TurnProjection; effects: TurnEffect[]; posts: HostMessage[] } {
  const turn = new TurnProjection('a1', () => contextSize);
  const effects = events.flatMap((e) => turn.apply(e));
  const posts = effects.flatMap((e) => (e.kind === 'post' ? [e.message] : []));
  return { turn, effects, posts };
}

describe('chat turn projection: agent events to view updates', () => {
  it('shows the reply once, on its first content, and streams text and thinking into it', () => {
    const { turn, effects, posts } = project([
      { type: 'run-started', request: 'hi' },
      { type: 'step-started', step: 1 },
      { type: 'reasoning-delta', step: 1, delta: 'hmm' },
      { type: 'text-delta', step: 1, delta: 'Hel' },
      { type: 'text-delta', step: 1, delta: 'lo' },
    ]);
    assert.deepEqual(effects.filter((e) => e.kind === 'show').length, 1);
    assert.equal(effects[0].kind, 'show', 'the reply appears before anything is posted into it');
    assert.deepEqual(posts.map((p) => p.type), ['reasoningDelta', 'appendDelta', 'appendDelta']);
    assert.equal(turn.reply.text, 'Hello');
    assert.equal(turn.reply.reasoning, 'hmm');
  });

  it('shows the reply as it was before the first delta, so the page never gets a delta twice', () => {
    const { turn, effects } = project([
      { type: 'text-delta', step: 1, delta: 'Poin' },
      { type: 'text-delta', step: 1, delta: 't 1.' },
    ]);
    const show = effects.find((e): e is Extract<TurnEffect, { kind: 'show' }> => e.kind === 'show');
    assert.ok(show);
    let page = show.shown.text;
    for (const e of effects) if (e.kind === 'post' && e.message.type === 'appendDelta') page += e.message.payload.delta;
    assert.equal(page, 'Point 1.', 'what the page shows is exactly the reply');
    assert.equal(turn.reply.text, 'Point 1.');
    assert.equal(show.view, turn.reply, 'the chat keeps the live reply');
  });

  it('shows nothing for a run with no content', () => {
    const { turn, effects } = project([{ type: 'run-started', request: 'hi' }, { type: 'step-started', step: 1 }]);
    assert.deepEqual(effects, []);
    assert.equal(turn.isShown, false);
  });

  it('builds a card through approval, live output and result, and keeps the output in the saved card', () => {
    const { turn, effects, posts } = project([
      { type: 'tool-call-proposed', step: 1, callId: 'c1', tool: 'edit_file', args: {} },
      { type: 'approval-needed', step: 1, callId: 'c1', request: { category: 'edit', tool: 'edit_file', title: 'Edit a.ts', path: 'a.ts', before: 'x', after: 'y', why: 'edits ask' } },
      { type: 'approval-decided', step: 1, callId: 'c1', approved: true, automatic: false },
      { type: 'tool-output', step: 1, callId: 'c1', chunk: 'line 1\n' },
      { type: 'tool-output', step: 1, callId: 'c1', chunk: 'line 2\n' },
      { type: 'tool-result', step: 1, callId: 'c1', tool: 'edit_file', content: 'Edited a.ts', isError: false },
    ]);
    const diff = effects.find((e) => e.kind === 'diff');
    assert.deepEqual(diff, { kind: 'diff', callId: 'c1', diff: { before: 'x', after: 'y', path: 'a.ts' } });
    const states = posts.filter((p): p is Extract<HostMessage, { type: 'toolCall' }> => p.type === 'toolCall').map((p) => p.payload.state);
    assert.deepEqual(states, ['running', 'pending-approval', 'approved', 'done']);
    const pending = posts.find((p) => p.type === 'toolCall' && p.payload.state === 'pending-approval') as Extract<HostMessage, { type: 'toolCall' }>;
    assert.equal(pending.payload.why, 'edits ask');
    assert.equal(pending.payload.messageId, 'a1');
    for (const p of posts) if (p.type === 'toolCall') assert.equal(p.payload.output, undefined, 'card updates never carry output (the page appends it live)');
    assert.equal(turn.reply.toolCalls?.[0].output, 'line 1\nline 2\n', 'the saved card keeps the output, so a reload shows it');
    assert.equal(turn.reply.toolCalls?.[0].result, 'Edited a.ts');
  });

  it('keeps only the last part of long output in the card', () => {
    const chunk = 'x'.repeat(CARD_OUTPUT_CHARS);
    const { turn } = project([
      { type: 'tool-call-proposed', step: 1, callId: 'c1', tool: 'run_command', args: {} },
      { type: 'tool-output', step: 1, callId: 'c1', chunk },
      { type: 'tool-output', step: 1, callId: 'c1', chunk: 'END' },
    ]);
    const output = turn.reply.toolCalls?.[0].output ?? '';
    assert.equal(output.length, CARD_OUTPUT_CHARS);
    assert.ok(output.endsWith('END'));
  });

  it('leaves a denied card denied when the model hears of the denial', () => {
    const { turn } = project([
      { type: 'tool-call-proposed', step: 1, callId: 'c1', tool: 'run_command', args: {} },
      { type: 'approval-decided', step: 1, callId: 'c1', approved: false, automatic: false, reason: 'no thanks' },
      { type: 'tool-result', step: 1, callId: 'c1', tool: 'run_command', content: 'The user denied: no thanks', isError: true },
    ]);
    assert.equal(turn.reply.toolCalls?.[0].state, 'denied');
    assert.equal(turn.reply.toolCalls?.[0].result, 'no thanks');
  });

  it('turns timings into figures, progress into a line, retries into a notice and errors into the log', () => {
    const { turn, effects, posts } = project([
      { type: 'prompt-progress', step: 1, processed: 1200, total: 5100, cached: 4000 },
      { type: 'step-finished', step: 1, finishReason: 'stop', timings: { promptTokens: 10, cachedTokens: 0, totalPromptTokens: 100, generatedTokens: 20, tokensPerSecond: 30, promptMs: 1, generationMs: 1, draftAcceptance: 0.5 } as never },
      { type: 'step-retry', step: 2, cause: 'engine' as never, attempt: 1, message: 'the engine restarted' },
      { type: 'error', message: 'bad', fatal: false },
    ]);
    assert.deepEqual(posts.find((p) => p.type === 'replyProgress')?.payload, { id: 'a1', text: 'Reading the prompt: 1,200 of 5,100 tokens (4,000 from cache)' });
    assert.deepEqual(turn.reply.stats, { outputTokens: 20, tokensPerSecond: 30, draftAcceptance: 0.5, contextUsed: 120, contextSize: 8192 });
    assert.ok(effects.some((e) => e.kind === 'notice' && e.text === 'Retrying: the engine restarted'));
    assert.ok(effects.some((e) => e.kind === 'log' && e.text === 'Agent: bad'));
    assert.equal(promptProgressText(5, 10, 0), 'Reading the prompt: 5 of 10 tokens');
  });

  it('names the project rules files under the reply: carried before it appears, posted after', () => {
    const { turn, effects, posts } = project([
      { type: 'run-started', request: 'hi' },
      { type: 'project-rules', files: ['AGENTS.md', 'CLAUDE.md'], cut: ['CLAUDE.md', 'GEMINI.md'] },
      { type: 'text-delta', step: 1, delta: 'Reading.' },
      { type: 'project-rules', files: ['src/AGENTS.md'], cut: [] },
    ]);
    const show = effects.find((e): e is Extract<TurnEffect, { kind: 'show' }> => e.kind === 'show');
    assert.deepEqual(show?.shown.rules, ['AGENTS.md', 'CLAUDE.md (cut)', 'GEMINI.md (left out)']);
    assert.deepEqual(posts.at(-1), { type: 'rules', payload: { id: 'a1', rules: ['AGENTS.md', 'CLAUDE.md (cut)', 'GEMINI.md (left out)', 'src/AGENTS.md'] } });
    assert.deepEqual(turn.reply.rules, ['AGENTS.md', 'CLAUDE.md (cut)', 'GEMINI.md (left out)', 'src/AGENTS.md'], 'the saved reply keeps them');
    assert.equal(project([{ type: 'project-rules', files: ['AGENTS.md'], cut: [] }]).effects.length, 0, 'rules alone do not show a reply');
  });
});

describe('chat message router', () => {
  function handlers(calls: string[], overrides: Partial<WebviewHandlers> = {}): WebviewHandlers {
    const table = {} as Record<keyof WebviewToHost, (p: unknown) => void>;
    const names: (keyof WebviewToHost)[] = ['ready', 'send', 'stop', 'approve', 'deny', 'viewDiff', 'copy', 'insertCode', 'applyCode', 'openLink', 'attachSelection', 'attachFile', 'pickImage', 'pasteImage', 'removeAttachment', 'openAttachment', 'startRecording', 'stopRecording', 'suggestFiles', 'newChat', 'loadChat', 'deleteChat', 'listChats', 'retry', 'runPlan', 'restoreCheckpoint', 'regenerate', 'editMessage', 'action'];
    for (const n of names) table[n] = (p) => void calls.push(`${n}:${JSON.stringify(p)}`);
    return { ...(table as unknown as WebviewHandlers), ...overrides };
  }

  it('hands each message to its handler, with its payload', async () => {
    const calls: string[] = [];
    const router = new MessageRouter(() => undefined);
    router.handle(handlers(calls));
    await router.dispatch({ type: 'approve', payload: { callId: 'c1' } });
    await router.dispatch({ type: 'stop', payload: {} });
    assert.deepEqual(calls, ['approve:{"callId":"c1"}', 'stop:{}']);
  });

  it('reports a failing handler instead of throwing into the view', async () => {
    const errors: string[] = [];
    const router = new MessageRouter((type, error) => errors.push(`${type}: ${(error as Error).message}`));
    router.handle(handlers([], { copy: async () => Promise.reject(new Error('clipboard gone')) }));
    await router.dispatch({ type: 'copy', payload: { text: 'x' } });
    assert.deepEqual(errors, ['copy: clipboard gone']);
  });

  it('posts to the attached page only, and drops posts while no page is shown', () => {
    const router = new MessageRouter(() => undefined);
    const seen: HostMessage[] = [];
    router.post('busy', { busy: true });
    router.attach((m) => seen.push(m));
    router.post('busy', { busy: false });
    router.attach(undefined);
    router.post('clear', {});
    assert.deepEqual(seen, [{ type: 'busy', payload: { busy: false } }]);
  });
});
