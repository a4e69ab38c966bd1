/**
 * Quotes one argument for the shell Node's `spawn(..., { shell: true })` uses: /bin/sh on
 * POSIX, cmd.exe on Windows. A recording path may hold spaces (a user name, "Application
 * Support"), so it is never pasted into a command line bare.
 */
export function shellQuote(value: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `"${value.replace(/"/g, '""')}"`;
  if (/^[A-Za-z0-9_\-./:=@%+,]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const OUTPUT_PLACEHOLDER = /(["']?)\$\{output\}\1/g;

export function hasOutputPlaceholder(command: string): boolean {
  return command.includes('${output}');
}

/**
 * Puts the quoted output path where the command says `${output}`. A placeholder the user
 * already wrapped in quotes ("${output}" or '${output}') is replaced with its quotes, so the
 * file name never ends up with literal quote characters in it.
 */
export function substituteOutput(command: string, output: string, platform: NodeJS.Platform = process.platform): string {
  const quoted = shellQuote(output, platform);
  return command.replace(OUTPUT_PLACEHOLDER, () => quoted);
}
