import { errorMessage, isAbortError } from '../../engine/errors';
import type { ToolOutput } from '../tool';

/**
 * How tool results are laid out for the model. File text and command output are data: they
 * always sit inside a fence under a header saying what they are, so text in a file that
 * looks like an instruction reads as part of the file, not as something the tool says.
 */

/**
 * A call that cannot go ahead as asked (no match for an edit, the file already exists...).
 * The message is for the model, so it says what to do instead. describe() throws it before
 * the user is asked; run() turns it into an error result.
 */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export function ok(content: string): ToolOutput {
  return { content, isError: false };
}

export function failure(content: string): ToolOutput {
  return { content, isError: true };
}

/**
 * Runs a tool body and turns any failure except cancellation into an error result that
 * starts with the tool's name. Cancellation is the loop's business: it passes through untouched.
 */
export async function guarded(tool: string, body: () => Promise<ToolOutput>): Promise<ToolOutput> {
  try {
    return await body();
  } catch (error) {
    if (isAbortError(error)) throw error;
    const message = errorMessage(error);
    return failure(message.startsWith(`${tool}:`) ? message : `${tool}: ${message}`);
  }
}

/** `text` inside a fence that no line of it can close early. */
export function fenced(text: string): string {
  let longest = 2;
  for (const run of text.match(/`{3,}/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${fence}`;
}

/**
 * Matches a line with a "  7 | " prefix, capturing the text after the number: a model may
 * still copy text with numbers (from another tool or its own habit); edit_file heals it.
 */
export const NUMBERED_LINE = /^\s*\d+ \| ?(.*)$/;

/** A long line cut to `max` characters with a note, so one minified line cannot flood the context. */
export function clipLine(line: string, max: number): string {
  return line.length <= max ? line : `${line.slice(0, max)} [... ${line.length - max} more characters]`;
}

/** The first line of `text`, cut to `max` characters, for one-line titles. */
export function oneLine(text: string, max = 80): string {
  const first = text.trim().split('\n')[0] ?? '';
  const more = text.trim().includes('\n') ? ' ...' : '';
  return first.length > max ? `${first.slice(0, max - 3)}...` : first + more;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
