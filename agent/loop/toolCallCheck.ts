import type { AssembledToolCall } from '../../engine/client';
import type { AgentTool } from '../tool';
import { stableStringify } from './stableJson';
import { errorMessage } from '../../engine/errors';

/** A call that can be run: the tool and its validated arguments. */
export interface ValidCall {
  ok: true;
  tool: AgentTool;
  args: unknown;
}

/** A call the model must write again; `error` is the message it gets back. */
export interface InvalidCall {
  ok: false;
  error: string;
}

export type CheckedCall = ValidCall | InvalidCall;

export interface CallContext {
  tools: ReadonlyMap<string, AgentTool>;
  /** The turn ended on the token limit, so the last call's arguments may be cut off. */
  cutOff: boolean;
  /** The step's max_tokens, quoted in the cut-off message. */
  maxTokens: number | undefined;
  /** Tools are off (Restricted Mode). */
  toolsOff: boolean;
}

/** The arguments as JSON when they parse, else undefined. */
export function parseArguments(raw: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = raw.trim() === '' ? '{}' : raw;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

/**
 * The arguments as they go into the history: sorted-key JSON when they parse, so every
 * later request repeats the same bytes; `{}` when they do not, because llama-server
 * rejects a request whose history holds arguments that are not JSON.
 */
export function historyArguments(raw: string): string {
  const parsed = parseArguments(raw);
  return parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)
    ? stableStringify(parsed.value)
    : '{}';
}

/** Name and normalised arguments: equal for calls that would do the same thing. */
export function callKey(call: AssembledToolCall): string {
  const parsed = parseArguments(call.arguments);
  return `${call.name}\u0000${parsed.ok ? stableStringify(parsed.value) : call.arguments.trim()}`;
}

function quote(raw: string, max = 120): string {
  const flat = raw.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/**
 * Checks a call before anything runs and says precisely what is wrong, so a small model
 * can correct itself on the next turn.
 */
export function checkToolCall(call: AssembledToolCall, isLast: boolean, context: CallContext): CheckedCall {
  if (context.toolsOff) {
    return { ok: false, error: 'Tools are turned off in this workspace (Restricted Mode). Answer without calling tools.' };
  }
  const tool = context.tools.get(call.name);
  if (!tool) {
    const names = [...context.tools.keys()].join(', ');
    return { ok: false, error: `There is no tool named "${call.name}". Available tools: ${names}. Call one of these by its exact name.` };
  }
  const parsed = parseArguments(call.arguments);
  if (context.cutOff && isLast) {
    const limit = context.maxTokens ? ` (${context.maxTokens} tokens)` : '';
    return {
      ok: false,
      error:
        `The arguments of this ${call.name} call were cut off by the reply length limit${limit} before they were complete, ` +
        'so it was not run. Call it again with shorter arguments, for example by editing a smaller region or writing the file in parts.',
    };
  }
  if (!parsed.ok) {
    return {
      ok: false,
      error: `The arguments of this ${call.name} call are not valid JSON (${parsed.error}); received: ${quote(call.arguments)}. Send a JSON object with the tool's parameters.`,
    };
  }
  if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    return { ok: false, error: `The arguments of ${call.name} must be a JSON object with named parameters, not ${quote(call.arguments)}.` };
  }
  const validation = tool.validate(parsed.value);
  if (!validation.ok) return { ok: false, error: `Invalid arguments for ${call.name}: ${validation.error}` };
  return { ok: true, tool, args: validation.args };
}
