import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { renderHtmlToPng } from '../../agent/screenshotToCode';
import type { ChatMessage } from '../../engine/protocol/messages';
import { startCodeServer, type RunningCodeServer } from '../../scripts/lib/codeServer';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { launchBrowser, runCommand, screenshot } from './support/browser';
import { acceptInFileDialog, openChat, shutDown, waitForFileContent, waitForWorkbench } from './support/workbench';

const vsix = process.env.GEMMA_AGENT_VSIX ?? path.resolve(__dirname, '..', '..', 'gemma-agent.vsix');

const configJs = ['// Where the API listens.', 'module.exports = { port: 3000 };', ''].join('\n');
const editedConfigJs = configJs.replace('port: 3000', 'port: 8080');
const serverJs = ['// The API server.', 'const retries = 3;', ''].join('\n');
const cardFixture = path.resolve(__dirname, '..', 'fixtures', 'screenshots', 'card');
const cardPage = ['index.html', 'styles.css']
  .map((file) => `\`\`\`${path.extname(file).slice(1)} path=${file}\n${fs.readFileSync(path.join(cardFixture, file), 'utf8').trimEnd()}\n\`\`\``)
  .join('\n\n');

/*
 * A multi-root workspace (a .code-workspace file with two folders) in the packaged
 * extension: the model is told both folders, reads a file of the second folder by its
 * folder's name, edits it there after approval, and the change lands in that folder on disk.
 * Apply finds a code block's file in the folder that has it, and asks when both do.
 */
describe('e2e: multi-root workspace', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let frame: FrameLocator;
  let base: string;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    engine = await startScriptedEngine();
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-multiroot-'));
    fs.mkdirSync(path.join(base, 'web'));
    fs.mkdirSync(path.join(base, 'api'));
    fs.writeFileSync(path.join(base, 'web', 'config.js'), '// The web folder has a config.js too; it must stay as it is.\n');
    fs.writeFileSync(path.join(base, 'api', 'config.js'), configJs);
    fs.writeFileSync(path.join(base, 'api', 'server.js'), serverJs);
    const workspaceFile = path.join(base, 'project.code-workspace');
    fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: 'web' }, { path: 'api' }] }, null, 2));
    server = await startCodeServer({ vsix, workspace: workspaceFile, settings: { 'gemmaAgent.engine.remoteUrl': engine.url, 'gemmaAgent.chat.thinking': false, 'gemmaAgent.agent.commands.network': 'off' } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?workspace=${encodeURIComponent(workspaceFile)}`);
    await waitForWorkbench(page);
    frame = await openChat(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-multi-root-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
  });

  after(async function () {
    await shutDown({ browser, server, engine });
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  it('reads and edits a file of the second folder by its folder name', async function () {
    engine.push(
      toolCallReply({ name: 'read_file', arguments: { path: 'api/config.js' } }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'api/config.js', search: 'port: 3000', replace: 'port: 8080' } }),
      reply('The API now listens on 8080.'),
    );
    const index = engine.requests.length;
    const input = frame.locator('textarea.composer-input');
    await input.fill('move the api to port 8080');
    await input.press('Enter');
    const turn = frame.locator('.message-user', { hasText: 'move the api to port 8080' }).locator('xpath=following-sibling::article[contains(@class, "message-assistant")][1]');

    const card = turn.locator('.tool-card[data-state="pending-approval"]');
    await card.waitFor({ timeout: 60_000 });
    assert.equal(await card.locator('.tool-title').textContent(), 'Edit api/config.js');
    await card.locator('button.tool-approve').click();
    assert.equal(await waitForFileContent(path.join(base, 'api', 'config.js'), editedConfigJs), editedConfigJs);
    await turn.locator('.message-text', { hasText: 'The API now listens on 8080.' }).waitFor({ timeout: 30_000 });
    assert.equal(fs.readFileSync(path.join(base, 'web', 'config.js'), 'utf8'), '// The web folder has a config.js too; it must stay as it is.\n');
    await screenshot(page, '95-multi-root-edit');

    // The model was told both folders, and the read came back from the second one.
    const first = await engine.waitForRequest(index);
    const system = String(first.body.messages[0]?.content);
    assert.match(system, /The workspace has 2 folders: web \(.*web\), api \(.*api\)\./);
    const afterRead = (await engine.waitForRequest(index + 1)).body.messages;
    const readResult = afterRead.find((m): m is Extract<ChatMessage, { role: 'tool' }> => m.role === 'tool');
    assert.ok(readResult, 'the second request carries the read result');
    assert.match(JSON.stringify(readResult.content), /port: 3000/);
    const runCommand = first.body.tools?.find((t) => t.function.name === 'run_command');
    assert.ok(runCommand?.function.parameters?.properties && 'folder' in runCommand.function.parameters.properties, 'run_command offers the folder to run in');
  });

  it('runs a command in the folder it names, which may write in both folders', async function () {
    engine.push(toolCallReply({ name: 'run_command', arguments: { command: 'pwd > where.txt && echo hi > ../web/from-api.txt', folder: 'api' } }), reply('Ran it in api.'));
    const input = frame.locator('textarea.composer-input');
    await input.fill('run it in the api folder');
    await input.press('Enter');
    const turn = frame.locator('.message-user', { hasText: 'run it in the api folder' }).locator('xpath=following-sibling::article[contains(@class, "message-assistant")][1]');
    const card = turn.locator('.tool-card[data-state="pending-approval"]');
    await card.waitFor({ timeout: 60_000 });
    assert.equal(await card.locator('.tool-title').textContent(), 'Run pwd > where.txt && echo hi > ../web/from-api.txt in api');
    await card.locator('button.tool-approve').click();
    await turn.locator('.message-text', { hasText: 'Ran it in api.' }).waitFor({ timeout: 60_000 });
    assert.equal(fs.readFileSync(path.join(base, 'api', 'where.txt'), 'utf8').trim(), fs.realpathSync(path.join(base, 'api')));
    assert.equal(fs.readFileSync(path.join(base, 'web', 'from-api.txt'), 'utf8'), 'hi\n');
    await screenshot(page, '96-multi-root-command');
  });

  it('applies a code block whose path names no folder to the folder that has the file, asking when both have it', async function () {
    const newServer = serverJs.replace('retries = 3', 'retries = 5');
    const newConfig = configJs.replace('port: 3000', 'port: 9090');
    engine.push(reply(`Here:\n\n\`\`\`js server.js\n${newServer}\`\`\`\n\nAnd the config:\n\n\`\`\`js config.js\n${newConfig}\`\`\`\n`));
    const input = frame.locator('textarea.composer-input');
    await input.fill('five retries, port 9090');
    await input.press('Enter');
    const turn = frame.locator('.message-user', { hasText: 'five retries, port 9090' }).locator('xpath=following-sibling::article[contains(@class, "message-assistant")][1]');
    await turn.locator('.message-text', { hasText: 'And the config' }).waitFor({ timeout: 60_000 });
    await frame.locator('button.composer-send').waitFor({ state: 'visible', timeout: 30_000 });
    const blocks = turn.locator('.code-block');

    // server.js is in api only: it is used without a question about the folder.
    await blocks.nth(0).locator('button.code-apply').click();
    const serverQuestion = page.locator('.notifications-toasts .notification-toast', { hasText: 'Replace all of api/server.js' });
    await serverQuestion.waitFor({ timeout: 30_000 });
    await serverQuestion.locator('.monaco-button', { hasText: 'Apply' }).click();
    assert.equal(await waitForFileContent(path.join(base, 'api', 'server.js'), newServer), newServer);

    // config.js is in both folders: the user picks one.
    await blocks.nth(1).locator('button.code-apply').click();
    const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'api/config.js' });
    await pick.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'web/config.js' }).count(), 1, 'both folders are offered');
    await screenshot(page, '97-multi-root-apply-pick');
    await pick.click();
    const configQuestion = page.locator('.notifications-toasts .notification-toast', { hasText: 'Replace all of api/config.js' });
    await configQuestion.waitFor({ timeout: 30_000 });
    await configQuestion.locator('.monaco-button', { hasText: 'Apply' }).click();
    assert.equal(await waitForFileContent(path.join(base, 'api', 'config.js'), newConfig), newConfig);
    assert.equal(fs.readFileSync(path.join(base, 'web', 'config.js'), 'utf8'), '// The web folder has a config.js too; it must stay as it is.\n');
  });
});

/*
 * Two folders VS Code names alike (both "app"): the second is app~2 in every path, the model
 * is told so, and a read of app~2 comes from the second folder. Screenshot to code writes
 * into the folder the image is in, and asks which for an image from elsewhere.
 */
describe('e2e: multi-root workspace with two folders of the same name', function () {
  let engine: ScriptedEngine;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let base: string;

  before(async function () {
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    engine = await startScriptedEngine();
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-multiroot-same-'));
    fs.mkdirSync(path.join(base, 'one', 'app'), { recursive: true });
    fs.mkdirSync(path.join(base, 'two', 'app'), { recursive: true });
    fs.writeFileSync(path.join(base, 'one', 'app', 'name.txt'), 'the first app\n');
    fs.writeFileSync(path.join(base, 'two', 'app', 'name.txt'), 'the second app\n');
    // Rendered with the Chromium the extension renders with, so the page the engine answers scores 1.
    const card = await renderHtmlToPng({ page: cardFixture, width: 400, height: 260 });
    fs.writeFileSync(path.join(base, 'two', 'app', 'card.png'), card);
    fs.writeFileSync(path.join(base, 'elsewhere.png'), card);
    const workspaceFile = path.join(base, 'same.code-workspace');
    fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: 'one/app' }, { path: 'two/app' }] }, null, 2));
    server = await startCodeServer({ vsix, workspace: workspaceFile, settings: { 'gemmaAgent.engine.remoteUrl': engine.url, 'gemmaAgent.chat.thinking': false } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?workspace=${encodeURIComponent(workspaceFile)}`);
    await waitForWorkbench(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-multi-root-same-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
  });

  after(async function () {
    await shutDown({ browser, server, engine });
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  it('names the second app~2, lists both and reads the second', async function () {
    const frame = await openChat(page);
    engine.push(toolCallReply({ name: 'list_dir', arguments: { path: '.' } }), toolCallReply({ name: 'read_file', arguments: { path: 'app~2/name.txt' } }), reply('It is the second app.'));
    const index = engine.requests.length;
    const input = frame.locator('textarea.composer-input');
    await input.fill('which app is the second');
    await input.press('Enter');
    await frame.locator('.message-text', { hasText: 'It is the second app.' }).waitFor({ timeout: 60_000 });
    const system = String((await engine.waitForRequest(index)).body.messages[0]?.content);
    assert.match(system, /The workspace has 2 folders: app \(.*one\/app\), app~2 \(.*two\/app\)\./);
    const results = (await engine.waitForRequest(index + 2)).body.messages.filter((m): m is Extract<ChatMessage, { role: 'tool' }> => m.role === 'tool');
    assert.equal(results.length, 2);
    assert.match(JSON.stringify(results[0].content), /app\/\\napp~2\//);
    assert.match(JSON.stringify(results[1].content), /the second app/);
  });

  it('writes a screenshot\'s page into the folder the image is in, and asks which for an image from elsewhere', async function () {
    engine.push(reply(cardPage), reply(cardPage));
    const chooseImage = async (file: string): Promise<void> => {
      await runCommand(page, 'Gemma Agent: Screenshot to Code');
      await acceptInFileDialog(page, file);
    };

    await chooseImage(path.join(base, 'two', 'app', 'card.png'));
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'wrote app~2/screenshot-card/' }).waitFor({ timeout: 120_000 });
    assert.ok(fs.existsSync(path.join(base, 'two', 'app', 'screenshot-card', 'index.html')), 'the page is in the image\'s folder');
    assert.equal(fs.existsSync(path.join(base, 'one', 'app', 'screenshot-card')), false);

    await chooseImage(path.join(base, 'elsewhere.png'));
    const choice = page.locator('.quick-input-widget .monaco-list-row', { hasText: path.join(base, 'one', 'app') });
    await choice.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'app~2' }).count(), 1, 'both folders are offered');
    await screenshot(page, '98-multi-root-screenshot-folder');
    await choice.click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'wrote app/screenshot-elsewhere/' }).waitFor({ timeout: 120_000 });
    assert.ok(fs.existsSync(path.join(base, 'one', 'app', 'screenshot-elsewhere', 'styles.css')));
    assert.equal(fs.existsSync(path.join(base, 'two', 'app', 'screenshot-elsewhere')), false);
  });
});
