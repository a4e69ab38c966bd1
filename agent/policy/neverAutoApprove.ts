import type { CommandAnalysis, SimpleCommand } from './commandLine';

/**
 * Commands that always go to the user, whatever the settings and allow list say: they can
 * destroy the machine or the user's work, gain privileges, or run code fetched from
 * elsewhere. Each rule looks at one simple command of the line (chains and substitutions
 * are already split apart), so `npm test; sudo reboot` is caught as well.
 */
interface NeverRule {
  why: string;
  matches(command: SimpleCommand, words: string[]): boolean;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'csh', 'tcsh', 'ash']);
/** Interpreters that run a program read from standard input when given no script. */
const INTERPRETERS = new Set(['python', 'python3', 'perl', 'ruby', 'node', 'php']);
/** Words that run the command that follows them. */
const WRAPPERS = new Set(['env', 'command', 'builtin', 'exec', 'nohup', 'time', 'nice', 'ionice', 'stdbuf', 'xargs', 'timeout', 'watch']);
/** Output redirections that stay harmless wherever they point. */
const SAFE_DEVICES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty']);

/** The words from the program on: leading `VAR=value` assignments and wrappers dropped. */
export function effectiveWords(words: string[]): string[] {
  let i = 0;
  while (i < words.length) {
    const word = words[i] ?? '';
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) i++;
    else if (WRAPPERS.has(word)) {
      i++;
      // Options and durations of the wrapper (`timeout 10`, `nice -n 5`, `env -i`).
      while (i < words.length && /^(-|\d)/.test(words[i] ?? '')) i++;
    } else break;
  }
  return words.slice(i);
}

function program(words: string[]): string {
  const first = words[0] ?? '';
  return first.slice(first.lastIndexOf('/') + 1);
}

function hasFlag(words: string[], short: string, long: string[]): boolean {
  return words.some((word) => long.includes(word) || (/^-[A-Za-z]+$/.test(word) && word.includes(short)));
}

/** A target that reaches beyond the project: the root, a home directory, a parent, or an absolute path. */
function isBroadTarget(word: string): boolean {
  return (
    word.startsWith('/') ||
    word.startsWith('~') ||
    word.startsWith('$HOME') ||
    word.startsWith('${HOME}') ||
    word === '.' ||
    word === './' ||
    word === '*' ||
    word === './*' ||
    word === '..' ||
    word.startsWith('../') ||
    word.includes('/../')
  );
}

const RULES: NeverRule[] = [
  {
    why: 'runs with elevated privileges (sudo, su, doas)',
    matches: (_, words) => words.some((word) => ['sudo', 'su', 'doas', 'pkexec'].includes(word)),
  },
  {
    why: 'deletes recursively outside the project or everything in it',
    matches: (_, words) =>
      program(words) === 'rm' &&
      (words.includes('--no-preserve-root') ||
        (hasFlag(words, 'r', ['--recursive']) || hasFlag(words, 'R', [])) &&
          words.slice(1).some((word) => !word.startsWith('-') && isBroadTarget(word))),
  },
  {
    why: 'pipes text into a shell, which runs whatever the left side prints (e.g. curl | sh)',
    matches: (command, words) =>
      command.pipedInto &&
      (SHELLS.has(program(words)) || (INTERPRETERS.has(program(words)) && (words.length === 1 || words[1] === '-'))),
  },
  {
    why: 'runs a shell on the output of another command',
    matches: (command, words) => (SHELLS.has(program(words)) || program(words) === 'eval') && command.hasSubstitution,
  },
  {
    why: 'evaluates a constructed string as code (eval, source from a download)',
    matches: (_, words) => program(words) === 'eval' || ((program(words) === 'source' || program(words) === '.') && words.some((w) => /^https?:/.test(w))),
  },
  {
    why: 'shuts down or restarts the machine',
    matches: (_, words) => {
      const name = program(words);
      if (['shutdown', 'reboot', 'halt', 'poweroff'].includes(name)) return true;
      if (name === 'init' && ['0', '6'].includes(words[1] ?? '')) return true;
      return name === 'systemctl' && words.some((w) => ['poweroff', 'reboot', 'halt', 'suspend', 'hibernate', 'kexec'].includes(w));
    },
  },
  {
    why: 'formats or writes raw disks',
    matches: (_, words) => {
      const name = program(words);
      if (name.startsWith('mkfs') || ['fdisk', 'sfdisk', 'gdisk', 'parted', 'wipefs', 'mkswap'].includes(name)) return true;
      return name === 'dd' && words.some((w) => w.startsWith('of=/dev/'));
    },
  },
  {
    why: 'rewrites history on a remote (git push --force)',
    matches: (_, words) =>
      program(words) === 'git' &&
      words.includes('push') &&
      words.some((w) => w === '-f' || w.startsWith('--force') || w === '--mirror' || w === '--delete' || /^\+\S/.test(w) || (/^-[a-zA-Z]+$/.test(w) && w.includes('f'))),
  },
  {
    why: 'throws away uncommitted work (git reset --hard, git clean -f)',
    matches: (_, words) =>
      program(words) === 'git' &&
      ((words.includes('reset') && words.includes('--hard')) ||
        (words.includes('clean') && words.some((w) => w === '--force' || (/^-[a-zA-Z]+$/.test(w) && w.includes('f'))))),
  },
  {
    why: 'changes ownership or permissions recursively outside the project',
    matches: (_, words) =>
      ['chmod', 'chown', 'chgrp'].includes(program(words)) &&
      hasFlag(words, 'R', ['--recursive']) &&
      words.slice(1).some((w) => !w.startsWith('-') && isBroadTarget(w)),
  },
  {
    why: 'kills every process it can reach',
    matches: (_, words) =>
      (program(words) === 'kill' && words.slice(1).includes('-1')) || ['killall5'].includes(program(words)),
  },
  {
    why: 'changes scheduled jobs (crontab)',
    matches: (_, words) => program(words) === 'crontab',
  },
];

/** Why a command line must never run without the user saying yes, or undefined when no rule applies. */
export function neverAutoApproveReason(analysis: CommandAnalysis, line: string): string | undefined {
  if (analysis.unparsable) return `the command could not be read safely (${analysis.unparsable})`;
  if (/:\s*\(\s*\)\s*\{[^}]*:\s*\|\s*:/.test(line)) return 'is a fork bomb';
  for (const command of analysis.commands) {
    const words = effectiveWords(command.words);
    for (const rule of RULES) {
      if (rule.matches(command, words)) return `\`${command.text}\` ${rule.why}`;
    }
  }
  for (const target of analysis.redirectTargets) {
    if (SAFE_DEVICES.has(target)) continue;
    if (isBroadTarget(target) && target !== '.' && target !== './') {
      return `writes output to ${target}, outside the project`;
    }
  }
  return undefined;
}
