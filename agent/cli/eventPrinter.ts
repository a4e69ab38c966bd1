import type { AgentEvent, StepTimings } from '../events';
import type { ApprovalRequest } from '../workspace/workspace';
import { cliProblemText } from './cliErrorText';

export interface TextSink {
  write(text: string): void;
}

const RESULT_PREVIEW_LINES = 6;

function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

function preview(content: string): string {
  const lines = content.replace(/\s+$/, '').split('\n');
  const shown = lines.slice(0, RESULT_PREVIEW_LINES).map((line) => (line.length > 160 ? `${line.slice(0, 159)}…` : line));
  if (lines.length > RESULT_PREVIEW_LINES) shown.push(`… ${lines.length - RESULT_PREVIEW_LINES} more lines`);
  return shown.join('\n');
}

/** "AGENTS.md, src/CLAUDE.md (cut), big.md (left out)". */
export function rulesText(files: readonly string[], cut: readonly string[]): string {
  const shown = files.map((file) => (cut.includes(file) ? `${file} (cut)` : file));
  const left = cut.filter((file) => !files.includes(file)).map((file) => `${file} (left out)`);
  return [...shown, ...left].join(', ');
}

export function formatTimings(t: StepTimings): string {
  const parts = [`${t.tokensPerSecond.toFixed(1)} tok/s`];
  if (t.draftAcceptance !== undefined) parts.push(`draft ${Math.round(t.draftAcceptance * 100)}% accepted`);
  parts.push(`prompt ${t.cachedPromptTokens}/${t.totalPromptTokens} tokens cached`);
  return parts.join(', ');
}

/**
 * Prints a run's events for a person reading a terminal or a log: the model's text as it
 * streams, each call with a short preview of its result, approvals and denials, and the
 * speed and cache figures of every step.
 */
export class EventPrinter {
  private mode: 'line' | 'text' | 'reasoning' = 'line';
  private readonly requests = new Map<string, ApprovalRequest>();
  private readonly progressQuarter = new Map<number, number>();

  constructor(private readonly out: TextSink) {}

  private newline(): void {
    if (this.mode !== 'line') this.out.write('\n');
    this.mode = 'line';
  }

  private line(text: string): void {
    this.newline();
    this.out.write(`${text}\n`);
  }

  print(event: AgentEvent): void {
    switch (event.type) {
      case 'run-started':
        this.line(`task: ${event.request}`);
        break;
      case 'step-started':
        this.line(`\n[step ${event.step}]`);
        break;
      case 'reasoning-delta':
        if (this.mode !== 'reasoning') {
          this.newline();
          this.out.write('(thinking) ');
          this.mode = 'reasoning';
        }
        this.out.write(event.delta);
        break;
      case 'text-delta':
        if (this.mode !== 'text') {
          this.newline();
          this.mode = 'text';
        }
        this.out.write(event.delta);
        break;
      case 'tool-call-proposed':
        this.line(`> ${event.tool} ${typeof event.args === 'string' ? event.args : JSON.stringify(event.args)}`);
        break;
      case 'approval-needed':
        this.requests.set(event.callId, event.request);
        this.line(`  ? needs approval: ${event.request.title}`);
        break;
      case 'approval-decided': {
        if (event.automatic) break;
        const title = this.requests.get(event.callId)?.title ?? 'the action';
        this.line(event.approved ? `  approved: ${title}` : `  DENIED: ${title}${event.reason ? ` (${event.reason})` : ''}`);
        break;
      }
      case 'tool-output':
        break;
      case 'tool-result':
        this.line(`  ${event.isError ? 'error' : 'ok'}:\n${indent(preview(event.content))}`);
        break;
      case 'step-finished':
        if (event.timings) this.line(`  · ${formatTimings(event.timings)}`);
        break;
      case 'prompt-progress':
        // A line at each quarter of a long prompt, not one per progress report.
        if (event.total >= 2000) {
          const quarter = Math.floor((4 * event.processed) / event.total);
          if (quarter > (this.progressQuarter.get(event.step) ?? -1)) {
            this.progressQuarter.set(event.step, quarter);
            this.line(`  … reading the prompt: ${event.processed}/${event.total} tokens${event.cached ? ` (${event.cached} cached)` : ''}`);
          }
        }
        break;
      case 'step-retry':
        this.line(`  ! retrying step ${event.step} (${event.cause === 'parse' ? 'malformed tool call' : 'engine problem'}, attempt ${event.attempt}): ${event.message}`);
        break;
      case 'project-rules':
        this.line(`rules: ${rulesText(event.files, event.cut)}`);
        break;
      case 'context-compacted':
        this.line(`  · context compacted (${event.method}): about ${event.tokensBefore} -> ${event.tokensAfter} tokens`);
        break;
      case 'error':
        this.line(`  ! ${cliProblemText(event.message, event.problem)}`);
        break;
      case 'done':
        this.line(`\n== ${event.reason} after ${event.steps} step${event.steps === 1 ? '' : 's'}${event.error ? `: ${event.error}` : ''} ==`);
        break;
    }
  }
}
