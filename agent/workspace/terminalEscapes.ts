/**
 * Terminal escape sequences, recognised once for everything that reads command output: the
 * run_command tool (output as a log would read) and the VS Code terminal capture, which
 * also meets sequences cut off at the end of a chunk.
 */

/* eslint-disable no-control-regex -- terminal escape sequences are control characters by definition */
/** CSI (colours, cursor moves), OSC (titles, shell-integration marks), DCS/SOS/PM/APC strings, and two-byte escapes. */
const ESCAPE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])/g;
/** An escape sequence cut off at the end of a chunk: kept until the rest arrives. */
const UNFINISHED_ESCAPE = /\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*(?:\x1b)?|[PX^_][^\x1b]*(?:\x1b)?)?$/;
/* eslint-enable no-control-regex */

/** `text` without its complete escape sequences. */
export function stripTerminalEscapes(text: string): string {
  return text.replace(ESCAPE, '');
}

/** Splits off an escape sequence that `text` ends in the middle of: [complete part, unfinished tail]. */
export function splitUnfinishedEscape(text: string): [string, string] {
  const cut = UNFINISHED_ESCAPE.exec(text);
  return cut ? [text.slice(0, cut.index), cut[0]] : [text, ''];
}
