/**
 * Shell lines that try to destroy or change a sentinel folder outside the workspace, each by
 * a way a command parser let through before the OS sandbox (interpreters, `bash -c`,
 * `$(...)`, a variable, reordered flags, moving, truncating, linking). The sentinel holds
 * keep.txt; the attack suites assert it is untouched afterwards.
 */
export function destructiveCommands(sentinel: string, workspace: string): string[] {
  const S = sentinel;
  return [
    `bash -c "rm -rf ${S}"`,
    `sh -c 'rm -rf ${S}'`,
    `$(echo rm) -rf ${S}`,
    `x=rm; $x -rf ${S}`,
    `find ${S} -delete`,
    `python3 -c "import shutil; shutil.rmtree('${S}')"`,
    `node -e "require('fs').rmSync('${S}', { recursive: true, force: true })"`,
    `perl -e 'unlink glob("${S}/*")'`,
    `rm -fr ${S}`,
    `rm -r -f ${S}`,
    `cd / && rm -rf ${S}`,
    `mv ${S} ${workspace}/stolen`,
    `truncate -s 0 ${S}/keep.txt`,
    `cp /dev/null ${S}/keep.txt`,
    `echo gone | tee ${S}/keep.txt`,
    `ln -sf /dev/null ${S}/keep.txt`,
  ];
}
