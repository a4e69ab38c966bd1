import { spawnSync } from 'node:child_process';

/**
 * Debian packages the project's own set-up needs, per goal. `npm start` installs code-server
 * (native modules: headers of Kerberos, a compiler, Python for node-gyp) and bubblewrap, the
 * sandbox the agent's commands run in; `npm test` also
 * builds llama-server and drives Chromium, records and speaks voice fixtures, and searches
 * with ripgrep.
 */
export const SYSTEM_PACKAGES = {
  start: ['libkrb5-dev', 'python3', 'make', 'g++', 'git', 'bubblewrap'],
  test: ['libkrb5-dev', 'python3', 'make', 'g++', 'git', 'bubblewrap', 'cmake', 'chromium', 'sox', 'espeak-ng', 'ffmpeg', 'ripgrep'],
} as const;

export type SetupGoal = keyof typeof SYSTEM_PACKAGES;

/** What set-up runs on the machine; tests pass a recording fake. */
export interface SystemRunner {
  /** Exit status of a command run without a shell, output discarded unless `show`. */
  run(command: string, args: string[], options?: { show?: boolean; env?: NodeJS.ProcessEnv }): number;
  /** Output of a command, or undefined when it could not run or failed. */
  read(command: string, args: string[]): string | undefined;
  uid(): number;
}

export const realRunner: SystemRunner = {
  run(command, args, options = {}) {
    const result = spawnSync(command, args, { stdio: options.show ? 'inherit' : 'ignore', env: options.env ?? process.env });
    return result.error ? 127 : (result.status ?? 1);
  },
  read(command, args) {
    const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return result.error || result.status !== 0 ? undefined : result.stdout;
  },
  uid: () => (typeof process.getuid === 'function' ? process.getuid() : -1),
};

/** A set-up step that cannot go on; `fix` is the one command that makes it work. */
export class SetupError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'SetupError';
  }
}

export type PackagesOutcome =
  | { kind: 'present' }
  | { kind: 'installed'; packages: string[]; via: 'root' | 'sudo' }
  /** Not a Debian system: nothing was checked, the list is what to install by other means. */
  | { kind: 'not-debian'; packages: string[] };

export function missingPackages(packages: readonly string[], runner: SystemRunner): string[] {
  return packages.filter((name) => {
    const status = runner.read('dpkg-query', ['-W', '-f=${Status}', name]);
    return status === undefined || !/\binstall ok installed\b/.test(status);
  });
}

export function aptInstallCommand(packages: readonly string[], sudo: boolean): string {
  const prefix = sudo ? 'sudo ' : '';
  return `${prefix}apt-get update && ${prefix}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/**
 * Installs the Debian packages of a goal that are missing: with apt-get as root, or through
 * passwordless sudo. Where neither works it throws before anything else is done, naming the
 * one command that fixes it.
 */
export function ensureSystemPackages(goal: SetupGoal, runner: SystemRunner = realRunner, log: (line: string) => void = console.log): PackagesOutcome {
  const wanted = SYSTEM_PACKAGES[goal];
  if (runner.read('dpkg-query', ['--version']) === undefined) return { kind: 'not-debian', packages: [...wanted] };
  const missing = missingPackages(wanted, runner);
  if (missing.length === 0) return { kind: 'present' };

  const root = runner.uid() === 0;
  const sudo = !root && runner.run('sudo', ['-n', 'true']) === 0;
  if (!root && !sudo) {
    throw new SetupError(`These Debian packages are missing and this user can neither run apt-get nor sudo without a password: ${missing.join(', ')}.`, aptInstallCommand(missing, true));
  }
  log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]): number => (sudo ? runner.run('sudo', ['-n', '--preserve-env=DEBIAN_FRONTEND', 'apt-get', ...args], { show: true, env }) : runner.run('apt-get', args, { show: true, env }));
  if (apt(['update', '-qq']) !== 0) throw new SetupError('apt-get update failed (see its output above).', aptInstallCommand(missing, !root));
  if (apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]) !== 0) {
    throw new SetupError(`apt-get could not install ${missing.join(', ')} (see its output above).`, aptInstallCommand(missing, !root));
  }
  const still = missingPackages(missing, runner);
  if (still.length > 0) throw new SetupError(`apt-get finished but these packages are still not installed: ${still.join(', ')}.`, aptInstallCommand(still, !root));
  return { kind: 'installed', packages: missing, via: root ? 'root' : 'sudo' };
}
