import * as path from 'node:path';
import * as vscode from 'vscode';
import { chooseReleaseEngine, installReleaseEngine, LLAMA_CPP_RELEASE } from '../engine/binary/releaseEngine';
import { BinaryNotFoundError, type ServerNeeds } from '../engine/binary/resolveServerBinary';
import { checkEngine, EngineClient, errorFromNetworkFailure, type EngineCheck, type FetchFunction } from '../engine/client';
import { errorMessage, isAbortError, problemOf } from '../engine/errors';
import { planLaunch, type EngineRequest, type LaunchPlan, type LaunchPlanOptions } from '../engine/launchPlan';
import { DraftAcceptanceWatch, draftCountersFromMetrics } from '../engine/supervisor/draftAcceptance';
import { EngineRegistry } from '../engine/supervisor/engineRegistry';
import { EngineSupervisor, type EngineEndpoint, type SupervisorEvent } from '../engine/supervisor/engineSupervisor';
import type { LeaseWatch } from '../engine/supervisor/leaseWatchdog';
import { SharedEngine } from '../engine/supervisor/sharedEngine';
import type { EngineStateView } from '../webview/protocol';
import { createHash } from 'node:crypto';
import { errorText } from './errorText';
import { RECOMMENDED_MODEL, readSettings, type Settings } from './settings/settings';

/** What a window that joins the shared engine needs to know of it. */
interface SharedMeta {
  capabilities: { vision: boolean; audio: boolean; drafting: boolean };
  contextSize: number;
}

/** Windows share an engine only when they ask for the same one. */
function engineKey(s: Settings): string {
  const what = [s.modelPath, s.drafterPath, s.projectorPath, s.serverPath, s.contextSize, s.gpuLayers, s.threads, s.draftEnabled, s.draftMaxTokens, s.draftMinProbability, s.extraArgs];
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

export const REMOTE_KEY_SECRET = 'gemmaAgent.remoteApiKey';

export interface EngineCapabilities {
  vision: boolean;
  audio: boolean;
  tools: boolean;
}

/** A client for whichever engine is live, local or remote, with what it can take. */
export interface EngineConnection {
  client: EngineClient;
  capabilities: EngineCapabilities;
}

/** A checked remote engine: its client names the model, and the check said what it serves. */
interface RemoteConnection extends EngineConnection {
  /** The settings it was checked for (see remoteKey). */
  key: string;
  contextSize: number | undefined;
}

/** Which remote engine the settings ask for, and what it may take: a change of any means a new check. */
function remoteKey(s: Pick<Settings, 'remoteUrl' | 'remoteModel' | 'remoteCapabilities'>): string {
  return s.remoteUrl ? JSON.stringify([s.remoteUrl, s.remoteModel, [...s.remoteCapabilities].sort()]) : '';
}

/**
 * Owns the engine for this window: start (local or remote), stop, restart, its state as the
 * UI shows it, crash notices and the drafter watch. Nothing starts at activation; the first
 * request or an explicit command starts it.
 */
export class EngineController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EngineStateView>();
  readonly onDidChangeState = this.changed.event;
  private current: EngineStateView;
  private supervisor: EngineSupervisor | undefined;
  private plan: LaunchPlan | undefined;
  private remote: RemoteConnection | undefined;
  /** The remote settings last seen, so a change (and only a change) runs the check. */
  private remoteSeen: string;
  private readonly secretWatch: vscode.Disposable;
  private starting: Promise<EngineConnection> | undefined;
  private metricsTimer: NodeJS.Timeout | undefined;
  private readonly draftWatch = new DraftAcceptanceWatch();
  /** The machine-wide engine this window takes part in, as its owner or as a guest. */
  private shared: SharedEngine<SharedMeta> | undefined;
  /** Set when another window's engine serves this one. */
  private joined: { endpoint: EngineEndpoint; meta: SharedMeta } | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.current = this.idleState();
    this.remoteSeen = remoteKey(readSettings());
    // A new key for the remote server: check it again rather than fail at the next message.
    this.secretWatch = context.secrets.onDidChange((e) => {
      if (e.key === REMOTE_KEY_SECRET && readSettings().remoteUrl) this.recheckRemote();
    });
  }

  get state(): EngineStateView {
    return this.current;
  }

  /** The engine's context size: the local plan's, or what the remote server said (undefined when it did not). */
  get contextSize(): number | undefined {
    if (this.remote) return this.remote.contextSize;
    return this.plan?.config.contextSize ?? this.joined?.meta.contextSize;
  }

  /**
   * Settings changed: a remote URL, model or capability list that is new (or newly set) is checked at once, so
   * a wrong one shows before the first message; otherwise the new idle state shows unless an
   * engine is running.
   */
  refresh(): void {
    const settings = readSettings();
    const key = remoteKey(settings);
    if (key !== this.remoteSeen) {
      this.remoteSeen = key;
      if (settings.remoteUrl) {
        this.recheckRemote();
        return;
      }
      this.remote = undefined;
    }
    if (this.supervisor || this.remote || this.starting || this.joined) return;
    // A remote engine that failed its check stays shown as failed until it is checked again.
    if (settings.remoteUrl && this.current.status === 'failed' && this.current.model === settings.remoteUrl) return;
    this.setState(this.idleState());
  }

  /** Forgets the checked remote engine and checks it again (after any start in flight), saying what is wrong in a notification. */
  private recheckRemote(): void {
    const previous = this.starting ?? Promise.resolve(undefined);
    void previous
      .catch(() => undefined)
      .then(() => {
        this.remote = undefined;
        return this.start();
      })
      .catch((err: unknown) => {
        const url = readSettings().remoteUrl;
        const picks = problemOf(err)?.code === 'engine-auth' ? ['Set API Key', 'Open Log'] : ['Settings', 'Open Log'];
        void vscode.window.showErrorMessage(`Gemma Agent: ${errorText(err, { remoteUrl: url })}`, ...picks).then((pick) => {
          if (pick === 'Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'gemmaAgent.engine.remote');
          if (pick === 'Set API Key') void vscode.commands.executeCommand('gemmaAgent.setRemoteApiKey');
          if (pick === 'Open Log') this.log.show();
        });
      });
  }

  /** The live engine, starting it first when needed. */
  connection(): Promise<EngineConnection> {
    const wanted = remoteKey(readSettings());
    if (this.remote && this.remote.key === wanted) return Promise.resolve(this.remote);
    // Checked for other settings (a change no refresh saw yet), or not checked: check it now.
    this.remote = undefined;
    if (wanted) return this.start();
    this.shared?.registry.touchActivity();
    if (this.joined) return this.joinedConnection(this.joined);
    const endpoint = this.supervisor?.endpoint;
    if (endpoint && this.plan) return Promise.resolve(this.localConnection(endpoint.url, endpoint.apiKey, this.plan));
    if (this.supervisor) {
      // Restarting after a crash: wait for it rather than start a second engine.
      const plan = this.plan;
      return this.supervisor.waitUntilReady().then((e) => this.localConnection(e.url, e.apiKey, plan!));
    }
    return this.start();
  }

  start(): Promise<EngineConnection> {
    this.starting ??= this.startNow().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    clearInterval(this.metricsTimer);
    const supervisor = this.supervisor;
    const shared = this.shared;
    this.supervisor = undefined;
    this.plan = undefined;
    this.remote = undefined;
    this.joined = undefined;
    this.shared = undefined;
    if (supervisor && shared && shared.registry.otherLiveLeases().length > 0) {
      // Other windows use it: it goes on without us, and its lease watchdog ends it after the last one.
      supervisor.release();
    } else {
      const pid = supervisor?.pid;
      await supervisor?.dispose();
      if (pid && shared) shared.registry.clear(pid);
    }
    shared?.leave();
    this.setState(this.idleState());
  }

  async restart(): Promise<EngineConnection> {
    await this.stop();
    return this.start();
  }

  private async startNow(): Promise<EngineConnection> {
    const settings = readSettings();
    if (settings.remoteUrl) return this.connectRemote(settings);
    if (!settings.modelPath) {
      this.setState(this.idleState());
      throw new Error(`No model is configured. In the Gemma Agent view, download the recommended set (${RECOMMENDED_MODEL}) or choose a Gemma 4 12B .gguf file.`);
    }
    const modelName = path.basename(settings.modelPath);
    this.setState({ status: 'starting', model: modelName, detail: 'Preparing the engine' });
    if (settings.shareEngine) {
      // One engine for every window of the machine: join it, or start it for all.
      const registry = new EngineRegistry(vscode.Uri.joinPath(this.context.globalStorageUri, 'engine').fsPath);
      const shared = new SharedEngine<SharedMeta>(registry, engineKey(settings));
      const watch = { leaseDir: registry.leaseDir, recordFile: registry.recordFile, activityFile: registry.activityFile, idleMs: settings.idleMinutes * 60_000 };
      const joined = await shared.acquire(
        async () => {
          await this.launchLocal(settings, modelName, watch);
          const endpoint = this.supervisor?.endpoint;
          if (!endpoint || !this.plan) throw new Error('The engine stopped right after it started.');
          return { endpoint, meta: this.sharedMeta(this.plan) };
        },
        { onWait: () => this.setState({ status: 'starting', model: modelName, detail: 'Another window is starting the engine; this one will use it too' }) },
      );
      if (joined) {
        this.shared = shared;
        if (joined.owner) return this.localConnection(joined.endpoint.url, joined.endpoint.apiKey, this.plan!);
        return this.joinShared(joined.endpoint, joined.meta, modelName);
      }
      this.log.info('The shared engine runs other settings (another window uses another model set); this window starts its own.');
    }
    return this.launchLocal(settings, modelName);
  }

  /** Starts llama-server for this window (or, with `shared`, for the machine), with progress and every failure explained. */
  private async launchLocal(settings: Settings, modelName: string, shared?: LeaseWatch): Promise<EngineConnection> {
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Gemma Agent', cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          const report = (detail: string, fraction?: number): void => {
            progress.report({ message: detail });
            this.setState({ status: 'starting', model: modelName, detail, progress: fraction });
          };
          const request: EngineRequest = {
            model: settings.modelPath,
            drafter: settings.drafterPath,
            projector: settings.projectorPath,
            serverPath: settings.serverPath,
            contextSize: settings.contextSize,
            gpuLayers: settings.gpuLayers,
            threads: settings.threads,
            draft: { enabled: settings.draftEnabled, maxTokens: settings.draftMaxTokens, minProbability: settings.draftMinProbability },
            extraArgs: settings.extraArgs,
          };
          // One progress for the whole set: the files download one after another, each adding its size once it is known.
          const downloads = new Map<string, { received: number; total?: number }>();
          const options: LaunchPlanOptions = {
            modelsDir: vscode.Uri.joinPath(this.context.globalStorageUri, 'models').fsPath,
            extensionRoot: this.context.extensionUri.fsPath,
            binary: { releaseRoot: this.context.globalStorageUri.fsPath },
            signal: abort.signal,
            onDownload: (role: string, p: { receivedBytes: number; totalBytes?: number }) => {
              downloads.set(role, { received: p.receivedBytes, total: p.totalBytes });
              const all = [...downloads.values()];
              const received = all.reduce((n, d) => n + d.received, 0);
              const total = all.every((d) => d.total !== undefined) ? all.reduce((n, d) => n + (d.total ?? 0), 0) : undefined;
              const gb = (bytes: number): string => (bytes / 1e9).toFixed(2);
              report(`Downloading the model set (now the ${role}): ${gb(received)}${total ? ` of ${gb(total)}` : ''} GB`, total ? received / total : undefined);
            },
          };
          let plan: LaunchPlan;
          try {
            plan = await planLaunch(request, { ...options, allowBuild: false });
          } catch (err) {
            plan = await this.planWithAnEngine(err, request, options, { drafting: !!settings.drafterPath && settings.draftEnabled, multimodal: !!settings.projectorPath }, report, abort.signal);
          }
          for (const note of plan.notes) {
            this.log.warn(note);
            void vscode.window.showWarningMessage(`Gemma Agent: ${note}`);
          }
          this.log.info(`llama-server ${plan.binary.version} (${plan.binary.source}): ${plan.binary.path}`);
          report('Loading the model');
          const supervisor = new EngineSupervisor(plan.config, shared ? { shared } : {});
          supervisor.onEvent((event) => this.onSupervisorEvent(event, modelName, plan));
          this.supervisor = supervisor;
          this.plan = plan;
          const endpoint = await supervisor.start();
          this.draftWatch.reset();
          this.watchMetrics(endpoint.url, endpoint.apiKey, plan);
          return this.localConnection(endpoint.url, endpoint.apiKey, plan);
        },
      );
    } catch (err) {
      const message = errorText(err, settings);
      await this.supervisor?.dispose();
      this.supervisor = undefined;
      this.plan = undefined;
      this.log.error(`Engine start failed: ${message}`);
      const tail = (err as { logTail?: string }).logTail;
      if (tail) this.log.error(tail);
      this.setState({ status: 'failed', model: modelName, detail: message });
      void vscode.window.showErrorMessage(`Gemma Agent: ${message}`, 'Open Log', 'Settings').then((pick) => {
        if (pick === 'Open Log') this.log.show();
        if (pick === 'Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'gemmaAgent');
      });
      throw err;
    }
  }

  /**
   * The plan failed for want of a llama-server: get one the way that fits (the release build
   * for this machine, or a build from the bundled source in a development install), then plan
   * again. Any other failure goes on as it is.
   */
  private async planWithAnEngine(err: unknown, request: EngineRequest, options: LaunchPlanOptions, needs: ServerNeeds, report: (detail: string, fraction?: number) => void, signal: AbortSignal): Promise<LaunchPlan> {
    if (!(err instanceof BinaryNotFoundError)) throw err;
    if (err.code === 'binary-not-found' || err.code === 'binary-too-old') {
      await this.downloadReleaseEngine(err, needs, report, signal);
      return planLaunch(request, { ...options, allowBuild: false });
    }
    if (err.code !== 'binary-not-built') throw err;
    const pick = await vscode.window.showInformationMessage('llama-server is not built yet. Build it now from the bundled llama.cpp source? It takes about 10 minutes on 2 cores, once.', 'Build', 'Choose a Binary…');
    if (pick === 'Choose a Binary…') await vscode.commands.executeCommand('workbench.action.openSettings', 'gemmaAgent.engine.serverPath');
    if (pick !== 'Build') throw err;
    return planLaunch(request, {
      ...options,
      allowBuild: true,
      binary: { ...options.binary, onBuildProgress: (p) => report(p.message, p.fraction), onBuildLog: (line) => this.log.trace(line) },
    });
  }

  /**
   * No llama-server on this machine (or only one that lacks what the set needs): offer the
   * official llama.cpp release build for this OS, architecture and GPU, once, with its size.
   * Declining leaves the reason and the way out (a binary of one's own) in the error.
   */
  private async downloadReleaseEngine(reason: BinaryNotFoundError, needs: ServerNeeds, report: (detail: string, fraction?: number) => void, signal: AbortSignal): Promise<void> {
    report('Looking up the llama.cpp release build for this machine');
    const choice = await chooseReleaseEngine({ signal });
    const bytes = (choice.archive.size ?? 0) + (choice.runtime?.size ?? 0);
    const kind = { metal: 'Metal', cuda: 'CUDA', vulkan: 'Vulkan', cpu: 'CPU' }[choice.variant];
    const pick = await vscode.window.showInformationMessage(
      `${reason.message} Download the official llama.cpp ${LLAMA_CPP_RELEASE.tag} build for this machine (${kind}${bytes ? `, ${(bytes / 1e6).toFixed(0)} MB` : ''})? It is checked against the release's digest, kept in the extension's storage and runs offline afterwards.`,
      { modal: true },
      'Download',
      'Choose a Binary…',
    );
    if (pick === 'Choose a Binary…') await vscode.commands.executeCommand('workbench.action.openSettings', 'gemmaAgent.engine.serverPath');
    if (pick !== 'Download') throw new BinaryNotFoundError(reason.code, reason.message, { ...reason.facts, declined: true });
    const binary = await installReleaseEngine(choice, {
      root: this.context.globalStorageUri.fsPath,
      needs,
      signal,
      onProgress: (p) => report(`Downloading llama-server (${p.file}): ${(p.receivedBytes / 1e6).toFixed(1)}${p.totalBytes ? ` of ${(p.totalBytes / 1e6).toFixed(1)}` : ''} MB`, p.totalBytes ? p.receivedBytes / p.totalBytes : undefined),
    });
    this.log.info(`Installed llama.cpp ${LLAMA_CPP_RELEASE.tag} (${choice.archive.name}) at ${binary}`);
  }

  /**
   * Checks the remote engine (GET /v1/models, /health, /props; see checkEngine) and keeps a
   * client that names its model. It is shown as connected only once it answered; a wrong URL,
   * a refused key or a model it does not serve leaves it 'failed' with the reason.
   */
  private async connectRemote(settings: Settings): Promise<EngineConnection> {
    const url = settings.remoteUrl;
    const key = remoteKey(settings);
    this.setState({ status: 'starting', model: url, detail: 'Checking the remote engine' });
    try {
      const apiKey = await this.context.secrets.get(REMOTE_KEY_SECRET);
      const probe = new EngineClient({ baseUrl: url, apiKey: apiKey || undefined, fetch: this.watchedFetch(url) });
      const check = await checkEngine(probe, { model: settings.remoteModel });
      const fallback = settings.remoteCapabilities;
      // llama-server's /props says what the model takes; for the others the setting decides. Tools only the setting can turn off.
      const capabilities: EngineCapabilities = {
        vision: check.modalities?.vision ?? fallback.includes('vision'),
        audio: check.modalities?.audio ?? fallback.includes('audio'),
        tools: fallback.includes('tools'),
      };
      this.log.info(
        `Remote engine at ${url}: ${check.models.length > 0 ? `serves ${check.models.map((m) => m.id).join(', ')}` : 'still loading'}; requests name ${check.model ? `"${check.model}"` : 'no model'}` +
          `${check.contextSize ? `; context ${check.contextSize} tokens` : '; context size not given'}${check.modalities ? '' : `; capabilities from gemmaAgent.engine.remoteCapabilities (${fallback.join(', ') || 'none'})`}.`,
      );
      this.remote = { client: probe.withModel(check.model), capabilities, key, contextSize: check.contextSize };
      this.setState({ status: 'remote', model: url, detail: remoteDetail(check, capabilities) });
      return this.remote;
    } catch (err) {
      const error = new Error(`Could not use the remote engine at ${url}: ${errorMessage(err)}`, { cause: err });
      this.log.error(error.message);
      this.setState({ status: 'failed', model: url, detail: errorText(error, { remoteUrl: url }) });
      throw error;
    }
  }

  /**
   * fetch for the remote engine that keeps its state true after the check: when the server
   * stops answering, the panel says so (the client stays, so the next request tries again),
   * and once it answers again it is shown connected again.
   */
  private watchedFetch(url: string): FetchFunction {
    let connected: EngineStateView | undefined;
    return async (input, init) => {
      try {
        const response = await fetch(input, init);
        if (this.remote && this.current.status === 'failed' && this.current.model === url && connected) this.setState(connected);
        return response;
      } catch (err) {
        const lost = errorFromNetworkFailure(err, url);
        if (this.remote && this.current.status === 'remote' && this.current.model === url && !isAbortError(err, init.signal ?? undefined) && lost.code === 'engine-unreachable') {
          connected = this.current;
          this.setState({ status: 'failed', model: url, detail: errorText(lost, { remoteUrl: url }) });
        }
        throw err;
      }
    };
  }

  private sharedMeta(plan: LaunchPlan): SharedMeta {
    return { capabilities: plan.capabilities, contextSize: plan.config.contextSize };
  }

  private joinShared(endpoint: EngineEndpoint, meta: SharedMeta, modelName: string): EngineConnection {
    this.joined = { endpoint, meta };
    this.log.info(`Using the engine another window started, at ${endpoint.url} (pid ${endpoint.pid})`);
    this.setState({ status: 'ready', model: modelName, detail: readyDetail(meta.contextSize, meta.capabilities, 'shared with another window') });
    return connectionTo(endpoint, meta.capabilities);
  }

  /** A guest checks the shared engine still answers; when it is gone (its owner closed after a crash), it finds or starts it again. */
  private async joinedConnection(joined: { endpoint: EngineEndpoint; meta: SharedMeta }): Promise<EngineConnection> {
    const current = await this.shared?.healthy();
    if (typeof current === 'object' && current.pid === joined.endpoint.pid) return connectionTo(joined.endpoint, joined.meta.capabilities);
    this.joined = undefined;
    return this.start();
  }

  private localConnection(url: string, apiKey: string, plan: LaunchPlan): EngineConnection {
    return connectionTo({ url, apiKey }, plan.capabilities);
  }

  private onSupervisorEvent(event: SupervisorEvent, modelName: string, plan: LaunchPlan): void {
    switch (event.type) {
      case 'log':
        // llama-server's own words (devices, memory, load stages) are what a user needs when something fails.
        this.log.info(`[llama-server] ${event.line}`);
        break;
      case 'loading':
        this.setState({ status: 'starting', model: modelName, detail: event.message });
        break;
      case 'ready': {
        // After a crash the owner's restart has a new port and key: the other windows read them here.
        if (this.shared && this.supervisor) this.shared.update(event.endpoint, this.sharedMeta(plan));
        const seconds = (event.loadMs / 1000).toFixed(1);
        this.log.info(`Engine ready at ${event.endpoint.url} in ${seconds} s (pid ${event.endpoint.pid})`);
        this.setState({ status: 'ready', model: modelName, detail: readyDetail(plan.config.contextSize, plan.capabilities, `loaded in ${seconds} s`) });
        break;
      }
      case 'crashed':
        this.log.error(`The engine stopped unexpectedly (${event.signal ?? `exit code ${event.code}`}):\n${event.logTail}`);
        void vscode.window.showWarningMessage('Gemma Agent: the engine stopped unexpectedly and is being restarted.', 'Open Log').then((pick) => pick && this.log.show());
        break;
      case 'restarting':
        this.setState({ status: 'starting', model: modelName, detail: `Restarting after a crash (attempt ${event.attempt})` });
        break;
      case 'failed':
        this.setState({ status: 'failed', model: modelName, detail: errorText(event.error) });
        break;
      case 'starting':
      case 'stopped':
        break;
    }
  }

  /** Polls /metrics while the engine runs; a drafter that is mostly wrong slows decoding. */
  private watchMetrics(url: string, apiKey: string, plan: LaunchPlan): void {
    clearInterval(this.metricsTimer);
    if (!plan.capabilities.drafting) return;
    const client = new EngineClient({ baseUrl: url, apiKey });
    this.metricsTimer = setInterval(async () => {
      try {
        const counters = draftCountersFromMetrics(await client.metrics());
        const verdict = counters && this.draftWatch.observe(counters);
        if (!verdict) return;
        const percent = Math.round(verdict.acceptance * 100);
        this.log.warn(`Drafter acceptance is ${percent}% over ${verdict.drafted} drafted tokens.`);
        const pick = await vscode.window.showWarningMessage(`Gemma Agent: the drafter's guesses are accepted only ${percent}% of the time, which makes replies slower than without it. Turn drafting off?`, 'Turn Off Drafting', 'Keep');
        if (pick === 'Turn Off Drafting') {
          await vscode.workspace.getConfiguration('gemmaAgent').update('engine.draft.enabled', false, vscode.ConfigurationTarget.Global);
          await this.restart();
        }
      } catch {
        // metrics are advisory; a restart or a busy engine is not worth a message
      }
    }, 20_000);
  }

  private idleState(): EngineStateView {
    const s = readSettings();
    if (s.remoteUrl) return { status: 'stopped', model: s.remoteUrl, detail: 'Remote engine, not checked yet: it is checked on first use.' };
    if (!s.modelPath) {
      return {
        status: 'not-configured',
        detail: `Download the recommended set (${RECOMMENDED_MODEL}) or choose a Gemma 4 12B model file. Everything runs on this machine.`,
      };
    }
    return { status: 'stopped', model: path.basename(s.modelPath), detail: 'Starts with your first message.' };
  }

  private setState(state: EngineStateView): void {
    this.current = state;
    this.changed.fire(state);
  }

  dispose(): void {
    this.secretWatch.dispose();
    void this.stop().finally(() => this.changed.dispose());
  }
}

/** A client for a local engine (this window's or the shared one), with what its model set can take. */
function connectionTo(endpoint: { url: string; apiKey: string }, c: { vision: boolean; audio: boolean }): EngineConnection {
  return { client: new EngineClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey }), capabilities: { vision: c.vision, audio: c.audio, tools: true } };
}

/** "Context 32768 tokens · text, images, voice, tools · MTP drafting · <how>" for a ready local engine. */
function readyDetail(contextSize: number, c: { vision: boolean; audio: boolean; drafting: boolean }, how: string): string {
  return `Context ${contextSize} tokens · ${describeCapabilities({ ...c, tools: true })}${c.drafting ? ' · MTP drafting' : ''} · ${how}`;
}

/** "gemma4:12b · Context 32768 tokens · text, tools" for a checked remote engine. */
function remoteDetail(check: EngineCheck, c: EngineCapabilities): string {
  const parts = [check.model ?? 'the model the server chooses'];
  if (check.contextSize) parts.push(`Context ${check.contextSize} tokens`);
  parts.push(describeCapabilities(c));
  if (check.readiness === 'loading') parts.push('the server is still loading its model');
  return parts.join(' · ');
}

function describeCapabilities(c: EngineCapabilities): string {
  const parts = ['text'];
  if (c.vision) parts.push('images');
  if (c.audio) parts.push('voice');
  if (c.tools) parts.push('tools');
  return parts.join(', ');
}
