import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from '../../../scripts/lib/codeServer';
import { startScriptedEngine, type ScriptEntry, type ScriptedEngine } from '../../support/scriptedEngine';
import { launchBrowser } from './browser';
import { openWorkbench } from './workbench';

export const VSIX = path.resolve(__dirname, '..', '..', '..', 'gemma-agent.vsix');

/** A code-server with the packaged extension on a fresh folder, the scripted engine as its remote engine, and a browser on it. */
export interface ChatSession {
  engine: ScriptedEngine;
  server: RunningCodeServer;
  browser: Browser;
  page: Page;
  workspace: string;
  close(): Promise<void>;
}

export interface ChatSessionOptions {
  /** The engine's replies, in order. */
  steps: ScriptEntry[];
  /** Files of the folder, by workspace-relative path. */
  files?: Record<string, string>;
  /** User settings beside the remote engine's URL (thinking is off unless set). */
  settings?: Record<string, unknown>;
}

export async function startChatSession(options: ChatSessionOptions): Promise<ChatSession> {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run "npm run package" first`);
  const engine = await startScriptedEngine({ steps: options.steps });
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
  for (const [file, text] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    fs.writeFileSync(path.join(workspace, file), text);
  }
  const server = await startCodeServer({ vsix: VSIX, workspace, settings: { 'gemmaAgent.engine.remoteUrl': engine.url, 'gemmaAgent.chat.thinking': false, ...options.settings } });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await openWorkbench(page, server.url, workspace);
  return {
    engine,
    server,
    browser,
    page,
    workspace,
    close: async () => {
      await browser.close();
      await server.stop();
      await engine.close();
    },
  };
}
