import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { RecorderError } from './recorderErrors';
import { hasOutputPlaceholder, substituteOutput } from './shellQuote';

/** The gemmaAgent.voice.recorder setting. */
export type RecorderSetting = 'auto' | 'sox' | 'arecord' | 'ffmpeg';

export const RECORDER_SETTINGS: readonly RecorderSetting[] = ['auto', 'sox', 'arecord', 'ffmpeg'];

/** One way to start the recorder, ready for spawn(). */
export interface RecorderInvocation {
  /** Shown to the user and in errors: "sox (rec)", "arecord", "recorderCommand". */
  label: string;
  /** A program path, or a whole command line when `shell` is set. */
  file: string;
  args: string[];
  /** Only the custom recorderCommand runs through the shell. */
  shell: boolean;
}

export interface RecorderPlanOptions {
  setting: RecorderSetting;
  /** gemmaAgent.voice.recorderCommand; when not blank it wins over `setting`. */
  customCommand?: string;
  /** The WAV file to write. */
  output: string;
  /**
   * Our own cap stops the recorder; the built-in programs are also told a slightly longer
   * limit so that one left behind by a crashed extension host stops by itself.
   */
  maxSeconds: number;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/** 16 kHz mono signed 16-bit: the frame format of the Gemma 4 audio projection. */
const RATE = '16000';
const SELF_LIMIT_MARGIN_SECONDS = 5;

export const RECORDER_COMMAND_HINT =
  'or set gemmaAgent.voice.recorderCommand to a command that records 16 kHz mono WAV to ${output}';

/** Decides which program records and with which arguments; throws a RecorderError when none can. */
export async function planRecorder(options: RecorderPlanOptions): Promise<RecorderInvocation> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const custom = options.customCommand?.trim();
  if (custom) {
    if (!hasOutputPlaceholder(custom)) {
      throw new RecorderError(
        'invalid-command',
        `gemmaAgent.voice.recorderCommand has no \${output} in it, so the recording would go nowhere: "${custom}". ` +
          'Put ${output} where the command takes its output file, e.g. sox -d -r 16000 -c 1 -b 16 ${output}.',
      );
    }
    return { label: 'recorderCommand', file: substituteOutput(custom, options.output, platform), args: [], shell: true };
  }

  const limit = String(Math.ceil(options.maxSeconds) + SELF_LIMIT_MARGIN_SECONDS);
  const wanted: Exclude<RecorderSetting, 'auto'>[] = options.setting === 'auto' ? ['sox', 'arecord', 'ffmpeg'] : [options.setting];
  for (const program of wanted) {
    const found = await findProgram(program, options.output, limit, env, platform);
    if (found) return found;
  }
  throw new RecorderError('no-recorder', noRecorderMessage(options.setting, platform));
}

async function findProgram(
  program: Exclude<RecorderSetting, 'auto'>,
  output: string,
  limit: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): Promise<RecorderInvocation | undefined> {
  switch (program) {
    case 'sox': {
      // `rec` is sox reading the default device; both stop cleanly on SIGINT with the header filled in.
      const format = ['-q', '-c', '1', '-r', RATE, '-b', '16', '-e', 'signed-integer', '-t', 'wav', output, 'trim', '0', limit];
      const rec = await which('rec', env, platform);
      if (rec) return { label: 'sox (rec)', file: rec, args: format, shell: false };
      const sox = await which('sox', env, platform);
      // Windows builds of sox name their device driver instead of taking -d reliably.
      const input = platform === 'win32' ? ['-t', 'waveaudio', 'default'] : ['-d'];
      if (sox) return { label: 'sox', file: sox, args: ['-q', ...input, ...format.slice(1)], shell: false };
      return undefined;
    }
    case 'arecord': {
      if (platform !== 'linux') return undefined;
      const arecord = await which('arecord', env, platform);
      if (!arecord) return undefined;
      return { label: 'arecord', file: arecord, args: ['-q', '-f', 'S16_LE', '-r', RATE, '-c', '1', '-t', 'wav', '-d', limit, output], shell: false };
    }
    case 'ffmpeg': {
      const ffmpeg = await which('ffmpeg', env, platform);
      const input = await ffmpegInput(env, platform);
      if (!ffmpeg || !input) return undefined;
      return {
        label: `ffmpeg (${input[1]})`,
        file: ffmpeg,
        args: ['-hide_banner', '-loglevel', 'error', '-nostdin', ...input, '-t', limit, '-ac', '1', '-ar', RATE, '-c:a', 'pcm_s16le', '-y', output],
        shell: false,
      };
    }
  }
}

/** ffmpeg's capture device per platform; Windows needs a device name we cannot guess. */
async function ffmpegInput(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<string[] | undefined> {
  if (platform === 'darwin') return ['-f', 'avfoundation', '-i', ':0'];
  if (platform !== 'linux') return undefined;
  const pulse =
    Boolean(env.PULSE_SERVER) ||
    (env.XDG_RUNTIME_DIR !== undefined && (await exists(path.join(env.XDG_RUNTIME_DIR, 'pulse', 'native')))) ||
    (await which('pactl', env, platform)) !== undefined;
  return pulse ? ['-f', 'pulse', '-i', 'default'] : ['-f', 'alsa', '-i', 'default'];
}

/** What to install on this system, named for its package manager. */
export function installHint(platform: NodeJS.Platform, setting: RecorderSetting = 'auto'): string {
  if (platform === 'darwin') {
    return setting === 'ffmpeg' ? 'Install ffmpeg (brew install ffmpeg)' : 'Install SoX (brew install sox)';
  }
  if (platform === 'win32') {
    return setting === 'ffmpeg'
      ? 'ffmpeg needs a device name on Windows: install SoX (choco install sox.portable, or from sourceforge.net/projects/sox) and add it to PATH'
      : 'Install SoX (choco install sox.portable, or from sourceforge.net/projects/sox) and add its folder to PATH';
  }
  switch (setting) {
    case 'arecord':
      return 'Install alsa-utils (Debian/Ubuntu: sudo apt install alsa-utils; Fedora: sudo dnf install alsa-utils)';
    case 'ffmpeg':
      return 'Install ffmpeg (Debian/Ubuntu: sudo apt install ffmpeg; Fedora: sudo dnf install ffmpeg)';
    default:
      return 'Install SoX (Debian/Ubuntu: sudo apt install sox; Fedora: sudo dnf install sox; Arch: sudo pacman -S sox)';
  }
}

function noRecorderMessage(setting: RecorderSetting, platform: NodeJS.Platform): string {
  const what =
    setting === 'auto'
      ? platform === 'linux'
        ? 'No recorder program was found on PATH (looked for rec/sox, arecord, ffmpeg).'
        : 'No recorder program was found on PATH (looked for rec/sox and ffmpeg).'
      : setting === 'arecord' && platform !== 'linux'
        ? 'arecord (gemmaAgent.voice.recorder) exists only on Linux.'
        : `${setting} (gemmaAgent.voice.recorder) was not found on PATH.`;
  return `${what} VS Code cannot open the microphone itself, so voice needs one. ${installHint(platform, setting)}, ${RECORDER_COMMAND_HINT}.`;
}

/** The first executable named `name` on PATH (with PATHEXT on Windows), like the shell would pick. */
export async function which(name: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const pathValue = (platform === 'win32' ? (env.Path ?? env.PATH) : env.PATH) ?? '';
  const delimiter = platform === 'win32' ? ';' : ':';
  const extensions = platform === 'win32' ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
  for (const dir of pathValue.split(delimiter)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      if (await isExecutable(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

async function isExecutable(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    if (platform !== 'win32') await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
