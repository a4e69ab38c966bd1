import { strict as assert } from 'node:assert';
import { chromiumCandidates, findChromium, ScreenshotToCodeError } from '../../agent/screenshotToCode';
import { rejectsWithCode } from '../support/asserts';

const rejectsWith = rejectsWithCode(ScreenshotToCodeError);

describe('screenshot to code: finding Chromium', () => {
  it('uses a configured path, and says so when it is wrong', async () => {
    const isExecutable = async (file: string) => file === '/opt/my/chrome';
    assert.equal(await findChromium({ configuredPath: '/opt/my/chrome', isExecutable }), '/opt/my/chrome');
    await rejectsWith(findChromium({ configuredPath: '/nope/chrome', isExecutable }), 'bad-chromium-path', /The browser path \/nope\/chrome names no runnable program/);
  });

  it('says where it looked when none is found', async () => {
    await rejectsWith(
      findChromium({ platform: 'linux', env: { PATH: '/bin' }, isExecutable: async () => false }),
      'no-chromium',
      /No Chrome or Chromium was found.*Looked for: \/usr\/bin\/chromium/,
    );
  });

  it('knows where Chrome lives on Linux, macOS and Windows', async () => {
    assert.equal(chromiumCandidates('linux', { PATH: '/x' })[0], '/usr/bin/chromium');
    assert.ok(chromiumCandidates('linux', { PATH: '/x' }).includes('/x/google-chrome'));
    assert.equal(chromiumCandidates('darwin', {})[0], '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    const windows = chromiumCandidates('win32', { PROGRAMFILES: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' });
    assert.equal(windows[0], 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe');
    assert.ok(windows.includes('C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe'));
    assert.equal(chromiumCandidates('linux', { CHROME_PATH: '/custom/chrome', PATH: '' })[0], '/custom/chrome');
  });
});
