import * as vscode from 'vscode';
import { estimateTextTokens } from '../../agent/context/tokenEstimate';
import type { ChatRequest } from '../../engine/protocol';
import { errorMessage } from '../../engine/errors';
import type { EngineController } from '../engineController';
import { setting } from '../settings/settings';
import { messageText, parseToolInput, toEngineMessages, toEngineTools, toLmPart, type LmMessage, type LmRole } from './core/chatMessages';
import { LM_VENDOR, modelInformation } from './core/modelInformation';

function roleOf(role: vscode.LanguageModelChatMessageRole): LmRole {
  if (role === vscode.LanguageModelChatMessageRole.Assistant) return 'assistant';
  // 3 is the System role, still a proposed API.
  if ((role as number) === 3) return 'system';
  return 'user';
}

function toLmMessage(message: vscode.LanguageModelChatRequestMessage): LmMessage {
  return { role: roleOf(message.role), content: message.content.map(toLmPart) };
}

/**
 * Our engine as a model of VS Code's Chat and of vscode.lm for other extensions: the local
 * (or shared) engine, or the remote one when gemmaAgent.engine.remoteUrl is set.
 */
export class GemmaChatModelProvider implements vscode.LanguageModelChatProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  /** What the live engine said it takes; until then the settings decide. */
  private liveVision: boolean | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly engine: EngineController) {
    this.subscriptions = [
      this.changed,
      engine.onDidChangeState((state) => {
        if (state.status === 'stopped') this.setVision(undefined);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('gemmaAgent.engine') || e.affectsConfiguration('gemmaAgent.model')) this.changed.fire();
      }),
    ];
  }

  private setVision(vision: boolean | undefined): void {
    if (vision === this.liveVision) return;
    this.liveVision = vision;
    this.changed.fire();
  }

  private information(): vscode.LanguageModelChatInformation {
    const remoteUrl = setting('remoteUrl');
    const vision = this.liveVision ?? (remoteUrl ? setting('remoteCapabilities').includes('vision') : setting('projectorPath') !== '');
    return modelInformation({ remoteUrl, vision, contextSize: this.engine.contextSize ?? setting('contextSize') });
  }

  provideLanguageModelChatInformation(): vscode.LanguageModelChatInformation[] {
    return [this.information()];
  }

  async provideLanguageModelChatResponse(
    _model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    try {
      const { client, capabilities } = await this.engine.connection();
      this.setVision(capabilities.vision);
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      const tools = options.tools ?? [];
      const request: ChatRequest = {
        messages: toEngineMessages(messages.map(toLmMessage), { vision: capabilities.vision }),
        chat_template_kwargs: { enable_thinking: setting('thinking') },
      };
      if (tools.length > 0) {
        request.tools = toEngineTools(tools);
        request.tool_choice = options.toolMode === vscode.LanguageModelChatToolMode.Required ? 'required' : 'auto';
      }
      const maxTokens = options.modelOptions?.max_tokens ?? options.modelOptions?.maxTokens;
      if (typeof maxTokens === 'number' && maxTokens > 0) request.max_tokens = Math.floor(maxTokens);
      // Thinking is not reported: VS Code's thinking part is a proposed API, not in the stable types.
      for await (const event of client.streamChat(request, { signal: abort.signal })) {
        if (event.type === 'text') progress.report(new vscode.LanguageModelTextPart(event.delta));
        else if (event.type === 'tool-calls') {
          for (const call of event.calls) progress.report(new vscode.LanguageModelToolCallPart(call.id, call.name, parseToolInput(call.arguments)));
        }
      }
    } catch (err) {
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      throw new Error(`Gemma Agent: ${errorMessage(err)}`, { cause: err });
    } finally {
      cancelled.dispose();
    }
  }

  /** Counted by the engine's tokenizer when it is running; an estimate otherwise (no engine starts for a count). */
  async provideTokenCount(_model: vscode.LanguageModelChatInformation, text: string | vscode.LanguageModelChatRequestMessage, token: vscode.CancellationToken): Promise<number> {
    const plain = typeof text === 'string' ? text : messageText(toLmMessage(text));
    const status = this.engine.state.status;
    if (status !== 'ready' && status !== 'remote') return estimateTextTokens(plain);
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    try {
      const { client } = await this.engine.connection();
      return await client.countTokens(plain, { signal: abort.signal });
    } catch {
      return estimateTextTokens(plain);
    } finally {
      cancelled.dispose();
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Registers the provider under our vendor (declared in package.json's languageModelChatProviders). */
export function registerChatModelProvider(engine: EngineController): vscode.Disposable {
  const provider = new GemmaChatModelProvider(engine);
  return vscode.Disposable.from(provider, vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, provider));
}
