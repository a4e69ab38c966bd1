import { DEFAULT_MAX_STEPS, DEFAULT_THINKING_BUDGET } from '../../../agent/loop';
import { DEFAULT_APPROVAL_SETTINGS } from '../../../agent/policy/approvalSettings';
import { DEFAULT_IMAGE_MAX_TOKENS } from '../../../engine/media';

/**
 * Every setting the extension reads, declared once: its key, its default and how a stored
 * value is checked. A hand-edited settings.json can hold anything, so each reader turns a
 * value of the wrong type or out of range into something usable (clamped, or the default).
 * A unit test holds every default here to package.json's, and every package.json setting to
 * an entry here.
 */
export interface SettingSpec<T> {
  readonly key: string;
  readonly default: T;
  readonly read: (raw: unknown) => T;
  /**
   * Names a program or a path to run: in Restricted Mode only the user's own value counts,
   * never one a cloned repository's .vscode/settings.json put there.
   */
  readonly userOnlyWhenRestricted?: boolean;
}

function text(key: string, fallback = ''): SettingSpec<string> {
  return { key, default: fallback, read: (raw) => (typeof raw === 'string' ? raw.trim() : fallback) };
}

function flag(key: string, fallback: boolean): SettingSpec<boolean> {
  return { key, default: fallback, read: (raw) => (typeof raw === 'boolean' ? raw : fallback) };
}

function integer(key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): SettingSpec<number> {
  return { key, default: fallback, read: (raw) => (typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, Math.floor(raw))) : fallback) };
}

function decimal(key: string, fallback: number, min: number, max: number): SettingSpec<number> {
  return { key, default: fallback, read: (raw) => (typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, raw)) : fallback) };
}

function choice<T extends string>(key: string, options: readonly T[], fallback: T): SettingSpec<T> {
  return { key, default: fallback, read: (raw) => (typeof raw === 'string' && (options as readonly string[]).includes(raw) ? (raw as T) : fallback) };
}

function list(key: string, fallback: readonly string[]): SettingSpec<string[]> {
  return { key, default: [...fallback], read: (raw) => (Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [...fallback]) };
}

export const SETTINGS = {
  modelPath: { ...text('gemmaAgent.model.path'), userOnlyWhenRestricted: true },
  drafterPath: { ...text('gemmaAgent.model.drafter'), userOnlyWhenRestricted: true },
  projectorPath: { ...text('gemmaAgent.model.projector'), userOnlyWhenRestricted: true },
  serverPath: { ...text('gemmaAgent.engine.serverPath'), userOnlyWhenRestricted: true },
  contextSize: integer('gemmaAgent.engine.contextSize', 32768, 0),
  gpuLayers: text('gemmaAgent.engine.gpuLayers', 'auto'),
  threads: integer('gemmaAgent.engine.threads', 0, 0),
  draftEnabled: flag('gemmaAgent.engine.draft.enabled', true),
  draftMaxTokens: integer('gemmaAgent.engine.draft.maxTokens', 2, 1, 16),
  draftMinProbability: decimal('gemmaAgent.engine.draft.minProbability', 0.75, 0, 1),
  extraArgs: { ...list('gemmaAgent.engine.extraArgs', []), userOnlyWhenRestricted: true },
  shareEngine: flag('gemmaAgent.engine.shareAcrossWindows', true),
  idleMinutes: integer('gemmaAgent.engine.idleMinutes', 30, 0),
  remoteUrl: { ...text('gemmaAgent.engine.remoteUrl'), userOnlyWhenRestricted: true },
  // Chooses what answers on the user's server, so a repository cannot pick it either.
  remoteModel: { ...text('gemmaAgent.engine.remoteModel'), userOnlyWhenRestricted: true },
  remoteCapabilities: list('gemmaAgent.engine.remoteCapabilities', ['tools']),
  thinking: flag('gemmaAgent.chat.thinking', true),
  approvalReads: choice('gemmaAgent.agent.approval.reads', ['auto', 'ask'] as const, DEFAULT_APPROVAL_SETTINGS.reads),
  approvalEdits: choice('gemmaAgent.agent.approval.edits', ['ask', 'auto'] as const, DEFAULT_APPROVAL_SETTINGS.edits),
  approvalCommands: choice('gemmaAgent.agent.approval.commands', ['ask', 'auto'] as const, DEFAULT_APPROVAL_SETTINGS.commands),
  commandsAllow: list('gemmaAgent.agent.commands.allow', DEFAULT_APPROVAL_SETTINGS.allow),
  commandsDeny: list('gemmaAgent.agent.commands.deny', DEFAULT_APPROVAL_SETTINGS.deny),
  // Read as raw text: networkChoice also takes the true/false of its first, boolean form.
  commandsNetwork: { key: 'gemmaAgent.agent.commands.network', default: 'ask', read: (raw: unknown) => raw } as SettingSpec<unknown>,
  externalTools: list('gemmaAgent.agent.externalTools', []),
  maxSteps: integer('gemmaAgent.agent.maxSteps', DEFAULT_MAX_STEPS, 1, 200),
  thinkingBudget: integer('gemmaAgent.agent.thinkingBudget', DEFAULT_THINKING_BUDGET, 0, 32768),
  thinkingSteps: choice('gemmaAgent.agent.thinkingSteps', ['every', 'first-and-after-failure'] as const, 'every'),
  imageTokenBudget: integer('gemmaAgent.media.imageTokenBudget', DEFAULT_IMAGE_MAX_TOKENS, 70, 1120),
  maxAudioSeconds: integer('gemmaAgent.media.maxAudioSeconds', 30, 1, 300),
  voiceRecorder: choice('gemmaAgent.voice.recorder', ['auto', 'sox', 'arecord', 'ffmpeg'] as const, 'auto'),
  voiceRecorderCommand: { ...text('gemmaAgent.voice.recorderCommand'), userOnlyWhenRestricted: true },
  keepRecordings: flag('gemmaAgent.voice.keepRecordings', false),
  chromiumPath: { ...text('gemmaAgent.preview.chromiumPath'), userOnlyWhenRestricted: true },
  screenshotMaxRounds: integer('gemmaAgent.screenshotToCode.maxRounds', 3, 1, 6),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<K extends SettingName> = (typeof SETTINGS)[K] extends SettingSpec<infer T> ? T : never;
export type SettingValues = { [K in SettingName]: SettingValue<K> };

/** How a stored value is looked up: the effective value, and the user's own (for restricted ones). */
export interface SettingSource {
  value(key: string): unknown;
  userValue(key: string): unknown;
  trusted: boolean;
}

export function readSetting<K extends SettingName>(source: SettingSource, name: K): SettingValue<K> {
  const spec = SETTINGS[name] as SettingSpec<SettingValue<K>>;
  const raw = spec.userOnlyWhenRestricted && !source.trusted ? source.userValue(spec.key) : source.value(spec.key);
  return spec.read(raw === undefined ? spec.default : raw);
}

export function readAllSettings(source: SettingSource): SettingValues {
  const out: Partial<Record<SettingName, unknown>> = {};
  for (const name of Object.keys(SETTINGS) as SettingName[]) out[name] = readSetting(source, name);
  return out as SettingValues;
}
