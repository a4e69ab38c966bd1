import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import type { ContentPart } from '../../engine/protocol/messages';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { fakeRecorderCommand, writeSpeechWav } from '../fixtures/voice/speech';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { screenshot } from './support/browser';
import { openChat, openFile, openWindow, runExactCommand, shutDown, waitForFileContent } from './support/workbench';

const vsix = process.env.GEMMA_AGENT_VSIX ?? path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

const namesJs = ['function hi(name) {', "  return 'Hello, ' + name;", '}', '', 'module.exports = { hi };', ''].join('\n');
const renamedJs = namesJs.replace('function hi(', 'function greet(').replace('{ hi }', '{ greet }');

type AudioPart = Extract<ContentPart, { type: 'input_audio' }>;

/*
 * Voice in the packaged extension. The extension host records (webviews cannot open a
 * microphone), so gemmaAgent.voice.recorderCommand points at a stand-in recorder that
 * plays back an espeak-ng recording of "run the tests" in real time, like a microphone.
 */
describe('e2e: voice (recorder command, push to talk)', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  let frame: FrameLocator;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    engine = await startScriptedEngine({ props: { vision: true, audio: true } });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-ws-'));
    fs.writeFileSync(path.join(workspace, 'names.js'), namesJs);
    const speech = await writeSpeechWav(fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-speech-')), 'run the tests');
    server = await startCodeServer({
      vsix,
      workspace,
      settings: {
        'gemmaAgent.engine.remoteUrl': engine.url,
        'gemmaAgent.chat.thinking': false,
        'gemmaAgent.voice.recorderCommand': fakeRecorderCommand(speech),
        'workbench.editor.enablePreview': false,
        'editor.minimap.enabled': false,
      },
    });
    ({ browser, page } = await openWindow(server.url, workspace));
    frame = await openChat(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-voice-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
  });

  after(async function () {
    await shutDown({ browser, server, engine });
  });

  it('records with the microphone button, shows the clip with a player, and sends it as input_audio (16 kHz mono WAV)', async function () {
    const mic = frame.locator('button.composer-mic');
    await mic.click();
    const indicator = frame.locator('div.recording[data-state="recording"]');
    await indicator.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await mic.getAttribute('aria-pressed'), 'true');
    // Two seconds on the timer: the whole phrase (1.3 s) has been "spoken".
    await indicator.locator('.recording-label', { hasText: /^Recording 0:0[2-9]/ }).waitFor({ timeout: 30_000 });
    assert.match((await indicator.locator('.recording-label').textContent()) ?? '', /^Recording 0:0\d \/ 0:30$/);
    await screenshot(page, '61-voice-recording');

    await mic.click();
    await frame.locator('div.recording').waitFor({ state: 'hidden', timeout: 30_000 });
    const chip = frame.locator('.composer-area .attachments .attachment.attachment-audio');
    await chip.waitFor({ timeout: 30_000 });
    assert.equal(await mic.getAttribute('aria-pressed'), 'false');
    assert.equal(await chip.locator('.attachment-label').textContent(), 'Voice clip');
    assert.match((await chip.locator('.attachment-meta').textContent()) ?? '', /^0:0\d · \d+ tokens$/);
    const player = chip.locator('audio.attachment-audio');
    assert.equal(await player.count(), 1);
    assert.match((await player.getAttribute('src')) ?? '', /^data:audio\/wav;base64,UklGR/);
    // The page can decode it: the player learns the clip's length.
    const seconds = await player.evaluate(
      (audio: HTMLAudioElement) =>
        new Promise<number>((resolve) => {
          if (Number.isFinite(audio.duration) && audio.duration > 0) resolve(audio.duration);
          else audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true });
        }),
    );
    assert.ok(seconds > 0.5 && seconds < 5, `the clip plays for ${seconds} s`);
    await screenshot(page, '62-voice-clip-attached');

    engine.push(reply('You said: run the tests.'));
    const index = engine.requests.length;
    const input = frame.locator('textarea.composer-input');
    await input.fill('do what I said');
    await input.press('Enter');
    const request = await engine.waitForRequest(index);
    const user = request.body.messages.at(-1);
    assert.equal(user?.role, 'user');
    const parts = Array.isArray(user?.content) ? user.content : [];
    assert.deepEqual(parts[0], { type: 'text', text: 'do what I said' });
    const audio = parts.find((p): p is AudioPart => p.type === 'input_audio');
    assert.ok(audio, 'the request has an input_audio part');
    assert.equal(audio.input_audio.format, 'wav');
    const wav = parseWav(Buffer.from(audio.input_audio.data, 'base64'));
    assert.deepEqual({ rate: wav.sampleRate, channels: wav.channels, bits: wav.bitsPerSample }, { rate: 16000, channels: 1, bits: 16 });
    assert.ok(wav.seconds > 0.5 && wav.seconds < 5, `the sent clip is ${wav.seconds} s`);

    const sent = frame.locator('.message-user', { hasText: 'do what I said' });
    await sent.locator('.message-attachments audio.attachment-audio').waitFor({ timeout: 10_000 });
    await frame.locator('.message-assistant', { hasText: 'You said: run the tests.' }).waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator('.composer-area .attachments .attachment').count(), 0, 'the sent clip left the composer');
    await frame.locator('button.composer-send').waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, '63-voice-clip-sent');
  });

  it('runs a voice command on the selected function: audio plus editor context, then an approved edit', async function () {
    await openFile(page, 'names.js', 'function hi(name)');
    // Select the function (lines 1-3) with the keyboard, as a user would.
    await page.locator('.part.editor .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+End');
    await page.locator('.statusbar-item', { hasText: /\(\d+ selected\)/ }).first().waitFor({ timeout: 10_000 });

    engine.push(
      toolCallReply({ name: 'edit_file', arguments: { path: 'names.js', search: namesJs, replace: renamedJs } }),
      reply('Heard: rename the function hi to greet. Done: hi is now greet.'),
    );
    const index = engine.requests.length;

    await runExactCommand(page, 'Gemma Agent: Voice Command (Push to Talk)');
    // The status bar shows the timer while the recorder runs; the chat view mirrors it.
    const timer = page.locator('.statusbar-item', { hasText: /0:0[2-9]/ }).first();
    await timer.waitFor({ timeout: 30_000 });
    await frame.locator('div.recording[data-state="recording"]').waitFor({ timeout: 10_000 });
    await screenshot(page, '64-voice-command-recording');
    // The same command again is the second press of push to talk: it stops and sends.
    await runExactCommand(page, 'Gemma Agent: Voice Command (Push to Talk)');

    const request = await engine.waitForRequest(index);
    const user = request.body.messages.at(-1);
    assert.equal(user?.role, 'user');
    const parts = Array.isArray(user?.content) ? user.content : [];
    assert.equal(parts[0]?.type, 'text');
    assert.match(parts[0]?.type === 'text' ? parts[0].text : '', /voice clip is my spoken request.*"Heard:"/s);
    const audio = parts.find((p): p is AudioPart => p.type === 'input_audio');
    assert.ok(audio, 'the request has the recording');
    assert.equal(audio.input_audio.format, 'wav');
    assert.equal(parseWav(Buffer.from(audio.input_audio.data, 'base64')).sampleRate, 16000);
    const context = parts.filter((p) => p.type === 'text').at(-1);
    const contextText = context?.type === 'text' ? context.text : '';
    assert.match(contextText, /the active file is names\.js \(javascript\); lines 1-3 are selected/);
    assert.match(contextText, /```javascript\nfunction hi\(name\) \{/);

    const turn = frame.locator('.message-assistant').last();
    const card = turn.locator('.tool-card[data-state="pending-approval"]');
    await card.waitFor({ timeout: 30_000 });
    assert.equal(await card.locator('.tool-title').textContent(), 'Edit names.js');
    assert.deepEqual(await card.locator('.diff-line.diff-add').allTextContents(), ['+function greet(name) {\n', '+module.exports = { greet };\n']);
    assert.equal(fs.readFileSync(path.join(workspace, 'names.js'), 'utf8'), namesJs, 'nothing changes before approval');
    const userTurn = frame.locator('.message-user').last();
    await userTurn.locator('.message-attachments .attachment-audio audio').waitFor({ timeout: 10_000 });
    assert.equal(await userTurn.locator('.attachment-label').textContent(), 'Voice command');
    await screenshot(page, '65-voice-command-approval');

    await card.locator('button.tool-approve').click();
    assert.equal(await waitForFileContent(path.join(workspace, 'names.js'), renamedJs), renamedJs);
    const finished = turn.locator('.tool-card[data-state="done"], .tool-card[data-state="failed"]');
    await finished.waitFor({ timeout: 30_000 });
    assert.equal(await finished.getAttribute('data-state'), 'done', `the edit failed: ${await finished.locator('.tool-result').textContent()}`);
    await turn.locator('.message-text', { hasText: 'Heard: rename the function hi to greet.' }).waitFor({ timeout: 30_000 });
    await page.locator('.part.editor .view-line', { hasText: 'function greet(name)' }).first().waitFor({ timeout: 10_000 });
    await frame.locator('button.composer-send').waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, '66-voice-command-done');
  });
});

interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  seconds: number;
}

/** The fmt and data chunks of a PCM WAV, walking the chunk list as a decoder would. */
function parseWav(bytes: Buffer): WavInfo {
  assert.equal(bytes.toString('ascii', 0, 4), 'RIFF');
  assert.equal(bytes.toString('ascii', 8, 12), 'WAVE');
  let format: Omit<WavInfo, 'seconds'> | undefined;
  let dataBytes: number | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      assert.equal(bytes.readUInt16LE(at + 8), 1, 'PCM');
      format = { channels: bytes.readUInt16LE(at + 10), sampleRate: bytes.readUInt32LE(at + 12), bitsPerSample: bytes.readUInt16LE(at + 22) };
    } else if (id === 'data') {
      dataBytes = Math.min(size, bytes.length - at - 8);
    }
    at += 8 + size + (size % 2);
  }
  assert.ok(format && dataBytes !== undefined, 'the WAV has fmt and data chunks');
  return { ...format, seconds: dataBytes / (format.sampleRate * format.channels * (format.bitsPerSample / 8)) };
}
