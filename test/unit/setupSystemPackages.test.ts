import { strict as assert } from 'node:assert';
import { aptInstallCommand, ensureSystemPackages, SetupError, SYSTEM_PACKAGES, type SystemRunner } from '../../scripts/lib/systemPackages';

/** A machine with some Debian packages installed; apt-get "installs" by adding to the set. */
function fakeMachine(options: { uid: number; sudo?: boolean; installed?: string[]; debian?: boolean; aptFails?: boolean }) {
  const installed = new Set(options.installed ?? []);
  const calls: string[] = [];
  const runner: SystemRunner = {
    uid: () => options.uid,
    read(command, args) {
      if (command !== 'dpkg-query' || options.debian === false) return undefined;
      if (args[0] === '--version') return 'Debian dpkg-query 1.21';
      const name = args.at(-1) ?? '';
      return installed.has(name) ? 'install ok installed' : undefined;
    },
    run(command, args) {
      calls.push([command, ...args].join(' '));
      if (command === 'sudo' && args[0] === '-n' && args[1] === 'true') return options.sudo ? 0 : 1;
      const apt = command === 'apt-get' ? args : command === 'sudo' && options.sudo ? args.slice(args.indexOf('apt-get') + 1) : undefined;
      if (!apt) return 127;
      if (options.aptFails) return 100;
      if (apt[0] === 'install') for (const name of apt.filter((a) => !a.startsWith('-')).slice(1)) installed.add(name);
      return 0;
    },
  };
  return { runner, calls, installed };
}

const quiet = (): void => undefined;

describe('set-up: Debian packages', () => {
  it('does nothing when every package of the goal is there', () => {
    const m = fakeMachine({ uid: 1000, installed: [...SYSTEM_PACKAGES.test] });
    assert.deepEqual(ensureSystemPackages('test', m.runner, quiet), { kind: 'present' });
    assert.deepEqual(m.calls, []);
  });

  it('installs only the missing ones with apt-get as root', () => {
    const m = fakeMachine({ uid: 0, installed: ['python3', 'make', 'g++', 'git', 'bubblewrap'] });
    const outcome = ensureSystemPackages('start', m.runner, quiet);
    assert.deepEqual(outcome, { kind: 'installed', packages: ['libkrb5-dev'], via: 'root' });
    assert.deepEqual(m.calls, ['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends libkrb5-dev']);
  });

  it('uses passwordless sudo when not root', () => {
    const m = fakeMachine({ uid: 1000, sudo: true, installed: SYSTEM_PACKAGES.test.filter((p) => p !== 'chromium' && p !== 'sox') });
    const outcome = ensureSystemPackages('test', m.runner, quiet);
    assert.deepEqual(outcome, { kind: 'installed', packages: ['chromium', 'sox'], via: 'sudo' });
    assert.equal(m.calls[0], 'sudo -n true');
    assert.match(m.calls[2], /^sudo -n --preserve-env=DEBIAN_FRONTEND apt-get install -y -qq --no-install-recommends chromium sox$/);
  });

  it('stops before any install when neither root nor sudo works, naming the one command to run', () => {
    const m = fakeMachine({ uid: 1000, sudo: false, installed: ['python3', 'make', 'g++', 'git', 'bubblewrap'] });
    assert.throws(
      () => ensureSystemPackages('start', m.runner, quiet),
      (err: unknown) => err instanceof SetupError && /libkrb5-dev/.test(err.message) && err.fix === 'sudo apt-get update && sudo apt-get install -y --no-install-recommends libkrb5-dev',
    );
    assert.deepEqual(m.calls, ['sudo -n true'], 'no apt-get was tried');
  });

  it('reports a failing apt-get with the command to run by hand', () => {
    const m = fakeMachine({ uid: 0, aptFails: true });
    assert.throws(() => ensureSystemPackages('start', m.runner, quiet), (err: unknown) => err instanceof SetupError && err.fix === aptInstallCommand(SYSTEM_PACKAGES.start, false));
  });

  it('lists what a non-Debian system needs instead of guessing a package manager', () => {
    const m = fakeMachine({ uid: 501, debian: false });
    assert.deepEqual(ensureSystemPackages('start', m.runner, quiet), { kind: 'not-debian', packages: [...SYSTEM_PACKAGES.start] });
    assert.deepEqual(m.calls, []);
  });
});
