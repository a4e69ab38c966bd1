import { button, el } from './dom';
import type { EngineStateView, HostAction } from './protocol';
import type { PostToHost } from './vscodeApi';

const statusText: Record<EngineStateView['status'], string> = {
  'not-configured': 'No model configured',
  stopped: 'Engine stopped',
  starting: 'Engine starting',
  ready: 'Ready',
  failed: 'Engine failed',
  remote: 'Remote engine',
};

/** The engine panel: load progress, ready, the failure with its remedies, or first-run guidance. */
export function renderEngineState(panel: HTMLElement, state: EngineStateView, post: PostToHost): void {
  const action = (label: string, name: HostAction): HTMLButtonElement => button('action', label, () => post('action', { action: name }));
  panel.replaceChildren();
  panel.dataset.status = state.status;
  panel.append(el('div', 'engine-title', statusText[state.status] + (state.model ? ` · ${state.model}` : '')));
  if (state.detail) panel.append(el('div', 'engine-detail', state.detail));
  if (state.progress !== undefined && Number.isFinite(state.progress)) {
    const bar = el('progress');
    bar.max = 1;
    bar.value = Math.min(1, Math.max(0, state.progress));
    bar.setAttribute('aria-label', `Loading ${Math.round(bar.value * 100)}%`);
    panel.append(bar);
  }
  const actions = el('div', 'engine-actions');
  if (state.status === 'not-configured') actions.append(action('Download recommended model', 'downloadRecommended'), action('Choose model file…', 'chooseModel'));
  if (state.status === 'failed') actions.append(action('Open log', 'openLog'), action('Settings', 'openSettings'), action('Retry', 'startEngine'));
  if (state.status === 'stopped') actions.append(action('Start engine', 'startEngine'));
  if (actions.childElementCount > 0) panel.append(actions);
}
