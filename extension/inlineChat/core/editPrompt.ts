import type { ChatMessage } from '../../../engine/protocol';
import type { EditTarget, Surroundings } from './editTarget';

export type DiagnosticSeverity = 'error' | 'warning' | 'info' | 'hint';

/** A problem the editor reports in the target lines, as plain data. */
export interface EditDiagnostic {
  /** 0-based document line. */
  line: number;
  severity: DiagnosticSeverity;
  message: string;
  source?: string;
  code?: string;
}

/** Everything the model is told about the place it edits. */
export interface EditContext {
  /** Workspace-relative path, or the title of an unsaved file. */
  path: string;
  languageId: string;
  target: EditTarget;
  original: string[];
  surroundings: Surroundings;
  diagnostics: EditDiagnostic[];
}

/** One finished round: what was asked and the code that came of it (with the user's per-change choices applied). */
export interface EditTurn {
  instruction: string;
  proposal: string[];
}

export const EDIT_SYSTEM_PROMPT = [
  'You edit code inside a file open in the editor. You are shown the file path, its language, the code around the edit and the lines to change, marked by the user.',
  'Reply with ONLY the code that replaces the marked lines: no explanation, no Markdown fences, no line numbers, and nothing from the surrounding code.',
  'Keep the indentation of the marked lines and the style of the file. Keep every marked line the instruction does not ask you to change exactly as it is.',
].join('\n');

/** A fence longer than any backtick run in the code, so code containing ``` cannot end it early. */
function fenceFor(lines: readonly string[]): string {
  const longest = Math.max(2, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
  return '`'.repeat(longest + 1);
}

function codeBlock(lines: readonly string[], languageId: string): string {
  const fence = fenceFor(lines);
  return `${fence}${languageId}\n${lines.join('\n')}\n${fence}`;
}

function lineRange(first: number, count: number): string {
  return count === 1 ? `line ${first + 1}` : `lines ${first + 1}-${first + count}`;
}

function describeDiagnostic(d: EditDiagnostic): string {
  const origin = [d.source, d.code].filter(Boolean).join(' ');
  return `- line ${d.line + 1}, ${d.severity}${origin ? ` (${origin})` : ''}: ${d.message}`;
}

/** The first request: context, the marked lines, the problems in them, the instruction. */
export function firstEditRequest(context: EditContext, instruction: string): string {
  const { target, surroundings, languageId } = context;
  const parts = [`File: ${context.path} (language: ${languageId})`];
  if (surroundings.before.length > 0) {
    parts.push(`Code before the marked lines (${lineRange(surroundings.beforeStart, surroundings.before.length)}):\n${codeBlock(surroundings.before, languageId)}`);
  }
  if (target.mode === 'insert') {
    parts.push(`The cursor is on the empty line ${target.startLine + 1}: the new code is inserted there.`);
  } else {
    parts.push(`Marked ${lineRange(target.startLine, target.lineCount)}, to be replaced:\n${codeBlock(context.original, languageId)}`);
  }
  if (surroundings.after.length > 0) {
    const afterStart = target.startLine + target.lineCount;
    parts.push(`Code after the marked lines (${lineRange(afterStart, surroundings.after.length)}):\n${codeBlock(surroundings.after, languageId)}`);
  }
  if (context.diagnostics.length > 0) {
    parts.push(`Problems the editor reports in the marked lines:\n${context.diagnostics.map(describeDiagnostic).join('\n')}`);
  }
  parts.push(`Instruction: ${instruction}`);
  parts.push(
    target.mode === 'insert'
      ? 'Reply with only the code to insert.'
      : 'Reply with only the complete replacement for the marked lines.',
  );
  return parts.join('\n\n');
}

/** A follow-up: the model sees its previous code and is asked for a complete new version. */
export function refineRequest(instruction: string, mode: EditTarget['mode']): string {
  const what = mode === 'insert' ? 'the code to insert' : 'the marked lines';
  return `Change your code as follows: ${instruction}\n\nReply with only the complete new version of ${what}, starting again from the original marked lines and your code above.`;
}

/**
 * The conversation for an edit: the first request with the context, then for every earlier
 * round the proposal as the model's answer and the next instruction, ending with the newest one.
 */
export function buildEditMessages(context: EditContext, history: readonly EditTurn[], instruction: string): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: EDIT_SYSTEM_PROMPT }];
  const instructions = [...history.map((turn) => turn.instruction), instruction];
  messages.push({ role: 'user', content: firstEditRequest(context, instructions[0]) });
  history.forEach((turn, i) => {
    messages.push({ role: 'assistant', content: turn.proposal.join('\n') });
    messages.push({ role: 'user', content: refineRequest(instructions[i + 1], context.target.mode) });
  });
  return messages;
}

/** A problem as the editor reports it, possibly spanning several lines. */
export interface SpanDiagnostic extends Omit<EditDiagnostic, 'line'> {
  startLine: number;
  endLine: number;
}

/**
 * The problems touching the target, each placed on its first line inside the target; most
 * important first, since a model pays most attention to what it reads first.
 */
export function diagnosticsInTarget(diagnostics: readonly SpanDiagnostic[], target: EditTarget): EditDiagnostic[] {
  const last = target.startLine + Math.max(target.lineCount, 1) - 1;
  const order: DiagnosticSeverity[] = ['error', 'warning', 'info', 'hint'];
  return diagnostics
    .filter((d) => d.endLine >= target.startLine && d.startLine <= last)
    .map(({ startLine, endLine: _endLine, ...rest }) => ({ ...rest, line: Math.max(startLine, target.startLine) }))
    .sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity) || a.line - b.line);
}
