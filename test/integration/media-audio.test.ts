import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { estimateAudioTokens, prepareAudio } from '../../engine/media';
import { hasProgram } from '../support/processes';

describe('media: prepareAudio on recorded speech', () => {
  it('trims padding around spoken words from a 44.1 kHz stereo file (espeak-ng + sox)', async function () {
    if (!hasProgram('espeak-ng') || !hasProgram('sox')) this.skip();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'media-test-'));
    try {
      const spoken = path.join(dir, 'spoken.wav');
      const padded = path.join(dir, 'padded.wav');
      execFileSync('espeak-ng', ['-w', spoken, 'Open the parser and add a test for empty input']);
      execFileSync('sox', [spoken, '-r', '44100', '-c', '2', '-b', '24', padded, 'pad', '2', '3']);
      const speechSeconds = Number(execFileSync('soxi', ['-D', spoken]).toString());
      const out = await prepareAudio({ path: padded });
      assert.ok(out.trimmedLeadingSeconds > 1.5 && out.trimmedLeadingSeconds < 2.1, String(out.trimmedLeadingSeconds));
      assert.ok(out.trimmedTrailingSeconds > 2.5, String(out.trimmedTrailingSeconds));
      assert.ok(out.seconds > speechSeconds - 0.6 && out.seconds < speechSeconds + 0.6, `${out.seconds} vs ${speechSeconds}`);
      assert.equal(out.tokens, estimateAudioTokens(out.seconds));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
