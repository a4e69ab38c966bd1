/** What VS Code's model picker shows for our engine (LanguageModelChatInformation, without vscode). */
export interface ModelInformation {
  id: string;
  name: string;
  family: string;
  version: string;
  tooltip: string;
  detail: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  capabilities: { toolCalling: boolean; imageInput: boolean };
}

export interface ModelFacts {
  /** gemmaAgent.engine.remoteUrl; empty for the local (or shared) engine. */
  remoteUrl: string;
  /** Whether the engine takes images: the live engine's word when connected, else the settings'. */
  vision: boolean;
  /** Context size in tokens (the local plan, the remote /props, or the setting). */
  contextSize: number;
}

export const LM_VENDOR = 'gemma-agent';
/** Room kept for the reply inside the context. */
const MAX_OUTPUT_TOKENS = 8192;

export function modelInformation(facts: ModelFacts): ModelInformation {
  const remote = facts.remoteUrl !== '';
  const context = facts.contextSize > 0 ? facts.contextSize : 32768;
  const maxOutputTokens = Math.min(MAX_OUTPUT_TOKENS, Math.floor(context / 4));
  return {
    id: remote ? 'gemma-4-remote' : 'gemma-4-12b-local',
    name: remote ? 'Gemma 4 (remote)' : 'Gemma 4 12B (local)',
    family: 'gemma-4',
    version: '4',
    tooltip: remote ? `Gemma Agent's remote engine at ${facts.remoteUrl}` : "Gemma Agent's engine on this machine (llama.cpp)",
    detail: remote ? hostOf(facts.remoteUrl) : 'llama.cpp',
    maxInputTokens: context - maxOutputTokens,
    maxOutputTokens,
    capabilities: { toolCalling: true, imageInput: facts.vision },
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
