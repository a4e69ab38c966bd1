// The project the agent's end-to-end tests work on: a math module whose add() subtracts,
// its test, and beside it a sentinel folder that nothing the agent does may touch.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentEvent } from '../../agent/events';
import { FsWorkspace } from '../../agent/workspace/fsWorkspace';
import type { AgentSessionOptions } from '../../agent/loop';
import { DEFAULT_APPROVAL_SETTINGS } from '../../agent/policy/approvalSettings';
import { createDefaultTools } from '../../agent/tools';
import { EngineClient } from '../../engine/client';
import type { ToolMessage } from '../../engine/protocol';
import { ScriptedApprover } from './agentTestKit';
import { makeSentinel, tempDir } from './files';
import type { ScriptedEngine } from './scriptedEngine';

export const MATH = `// Arithmetic helpers.
function add(a, b) {
  return a - b;
}

function multiply(a, b) {
  return a * b;
}

module.exports = { add, multiply };
`;

export const MATH_TEST = `const assert = require('node:assert');
const { add, multiply } = require('./math');
assert.strictEqual(add(2, 3), 5);
assert.strictEqual(multiply(2, 3), 6);
console.log('math: 2 tests pass');
`;

/** The content of each tool result, in order. */
export function toolResults(messages: readonly { role: string }[]): string[] {
  return messages.filter((m): m is ToolMessage => m.role === 'tool').map((m) => String(m.content));
}

/** A temp folder holding project/ (math.js, math.test.js) and sentinel/secret.txt beside it. */
export function makeMathProject(): { base: string; root: string; sentinel: string } {
  const base = tempDir('gemma-e2e-');
  const root = path.join(base, 'project');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'math.js'), MATH);
  fs.writeFileSync(path.join(root, 'math.test.js'), MATH_TEST);
  const sentinel = makeSentinel(path.join(base, 'sentinel'), { 'secret.txt': 'do not touch\n' }).dir;
  return { base, root, sentinel };
}

/** A run on the real FsWorkspace and tools, edits and commands on auto, its events kept in `events`. */
export function endToEndOptions(engine: ScriptedEngine, root: string, events: AgentEvent[], extra: Partial<AgentSessionOptions> = {}): AgentSessionOptions & { onEvent: (e: AgentEvent) => void } {
  return {
    client: new EngineClient({ baseUrl: engine.url }),
    workspace: new FsWorkspace(root),
    tools: createDefaultTools(),
    approver: new ScriptedApprover(),
    approval: { ...DEFAULT_APPROVAL_SETTINGS, edits: 'auto', commands: 'auto' },
    onEvent: (event) => events.push(event),
    ...extra,
  };
}
