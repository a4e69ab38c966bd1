import { strict as assert } from 'node:assert';
import {
  CommandOutputCapture,
  echoCommandEnd,
  echoCommandStart,
  TerminalOutputCleaner,
  toTerminalText,
} from '../../extension/workspace/core/terminalRunner';

describe('terminal: output cleaning', () => {
  it('removes colours, titles and shell-integration marks, and turns CRLF into LF', () => {
    const cleaner = new TerminalOutputCleaner();
    const raw = '\x1b]633;C\x07\x1b[32m✔ 3 passing\x1b[0m\r\n\x1b]0;npm test\x07done\r\n\x1b]633;D;0\x07';
    assert.equal(cleaner.push(raw) + cleaner.flush(), '✔ 3 passing\ndone\n');
  });

  it('keeps sequences and CRLF split across chunks together', () => {
    const cleaner = new TerminalOutputCleaner();
    const pieces = ['a\x1b[3', '1mred\x1b', '[0m\r', '\nb\x1b]633;', 'D;1\x1b', '\\end'];
    const out = pieces.map((p) => cleaner.push(p)).join('') + cleaner.flush();
    assert.equal(out, 'ared\nbend');
  });

  it('leaves a lone CR (a redrawn progress line) for the tool to collapse', () => {
    const cleaner = new TerminalOutputCleaner();
    assert.equal(cleaner.push('10%\r50%\r100%\n'), '10%\r50%\r100%\n');
    assert.equal(cleaner.push('x\r'), 'x');
    assert.equal(cleaner.flush(), '\r');
  });
});

describe('terminal: output capture', () => {
  it('streams cleaned text to the UI and keeps head and tail beyond the limit', () => {
    const seen: string[] = [];
    const capture = new CommandOutputCapture(40, (chunk) => seen.push(chunk));
    capture.push('\x1b[1mHEAD\x1b[0m line\r\n');
    for (let i = 0; i < 20; i++) capture.push(`middle ${i}\r\n`);
    capture.push('TAIL line\r\n');
    const { output, truncated } = capture.finish();
    assert.ok(truncated);
    assert.match(output, /^HEAD line\n/);
    assert.match(output, /TAIL line\n$/);
    assert.match(output, /bytes of output omitted/);
    assert.equal(seen[0], 'HEAD line\n');
    assert.equal(seen.length, 22);
  });

  it('a throwing UI listener does not stop the capture', () => {
    const capture = new CommandOutputCapture(1000, () => {
      throw new Error('webview gone');
    });
    capture.push('ok\n');
    assert.equal(capture.finish().output, 'ok\n');
  });
});

describe('terminal: pseudo-terminal echo', () => {
  it('shows where and what ran, then how it ended, with CRLF line ends', () => {
    const start = echoCommandStart('npm test', '/work/app');
    assert.match(start, /\/work\/app/);
    assert.match(start, /\$ npm test/);
    assert.ok(!/[^\r]\n/.test(start), 'every LF preceded by CR');
    assert.match(echoCommandEnd({ exitCode: 0, timedOut: false }, 1.23), /exit code 0, 1\.2 s/);
    assert.match(echoCommandEnd({ exitCode: 2, timedOut: false }, 1), /exit code 2/);
    assert.match(echoCommandEnd({ exitCode: null, timedOut: true }, 60), /timed out after 60\.0 s/);
    assert.match(echoCommandEnd({ error: 'cancelled' }, 1), /\[cancelled\]/);
    assert.equal(toTerminalText('a\nb\r\nc'), 'a\r\nb\r\nc');
  });
});
