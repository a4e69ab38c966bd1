import type { EngineStateView } from '../../../webview/protocol';

/** The status bar's words for an engine state: what runs, whether it is ready, and how much context it has. */
export function engineStatusText(state: EngineStateView, contextSize: number | undefined): { text: string; tooltip: string } {
  const model = state.model ?? 'no model';
  const context = contextSize ? ` · ${contextSize >= 1024 ? `${Math.round(contextSize / 1024)}k` : contextSize}` : '';
  const percent = state.progress !== undefined ? ` ${Math.round(state.progress * 100)}%` : '';
  const tooltip = `Gemma Agent engine: ${state.detail ?? state.status}. Click to open the engine log.`;
  switch (state.status) {
    case 'ready':
      return { text: `$(hubot) Gemma: ${model}${context}`, tooltip };
    case 'remote':
      return { text: `$(remote) Gemma: remote`, tooltip };
    case 'starting':
      return { text: `$(loading~spin) Gemma: starting${percent}`, tooltip };
    case 'failed':
      return { text: `$(error) Gemma: failed`, tooltip };
    case 'not-configured':
      return { text: `$(hubot) Gemma: no model`, tooltip };
    default:
      return { text: `$(hubot) Gemma: stopped`, tooltip };
  }
}
