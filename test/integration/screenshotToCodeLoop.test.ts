import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  formatFileBlocks,
  type GeneratedFile,
  renderHtmlToPng,
  runScreenshotToCode,
  type ScreenshotToCodeRound,
} from '../../agent/screenshotToCode';
import { EngineClient } from '../../engine/client';
import { prepareImage } from '../../engine/media';
import { imageUrls } from '../support/chat';
import { skipWithoutChromium } from '../support/chromium';
import { tempDir } from '../support/files';
import { reply, type ScriptedEngine, startScriptedEngine } from '../support/scriptedEngine';

const CARD = path.join(__dirname, '..', 'fixtures', 'screenshots', 'card');
const WIDTH = 320;
const HEIGHT = 240;

async function writeInto(dir: string, files: GeneratedFile[]): Promise<void> {
  for (const file of files) {
    const target = path.join(dir, file.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.content);
  }
}

describe('screenshot to code: the self-check loop against a rendered page', function () {
  this.timeout(90_000);
  let engine: ScriptedEngine | undefined;
  let workspace: string;

  before(async function () {
    await skipWithoutChromium(this);
  });

  beforeEach(async () => {
    workspace = tempDir('gemma-agent-s2c-loop-');
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('sends the render back, fixes the wrong colour in round 2 and returns that round', async () => {
    // The "screenshot": the fixture page as Chromium draws it, prepared as for the model.
    const screenshotPng = await renderHtmlToPng({ page: CARD, width: WIDTH, height: HEIGHT });
    const image = await prepareImage(screenshotPng);

    const html = await fs.readFile(path.join(CARD, 'index.html'), 'utf8');
    const css = await fs.readFile(path.join(CARD, 'styles.css'), 'utf8');
    const wrongCss = css.replace('background: #1e3ca0', 'background: #a02828');
    assert.notEqual(wrongCss, css);
    engine = await startScriptedEngine({
      steps: [
        reply(`Here is the page.\n\n${formatFileBlocks([{ path: 'index.html', content: html }, { path: 'styles.css', content: wrongCss }])}\n`),
        // The fix only repeats the file it changes; index.html carries over.
        reply(`- The header is red but should be dark blue.\n\n${formatFileBlocks([{ path: 'styles.css', content: css }])}`),
      ],
    });

    const writes: string[][] = [];
    const reported: ScreenshotToCodeRound[] = [];
    const result = await runScreenshotToCode({
      client: new EngineClient({ baseUrl: engine.url }),
      image,
      target: 'html',
      writeFiles: async (files) => {
        writes.push(files.map((f) => f.path));
        await writeInto(workspace, files);
      },
      render: () => renderHtmlToPng({ page: workspace, width: WIDTH, height: HEIGHT }),
      onRound: (round) => reported.push(round),
    });

    assert.equal(engine.requests.length, 2);
    const first = imageUrls(engine.requests[0].body.messages);
    const second = imageUrls(engine.requests[1].body.messages);
    assert.deepEqual(first, [image.dataUrl()]);
    assert.equal(second.length, 2, 'the fix request carries the screenshot and the render');
    assert.equal(second[0], image.dataUrl());
    assert.match(second[1], /^data:image\/png;base64,/);
    assert.notEqual(second[1], second[0]);

    assert.deepEqual(writes, [['index.html', 'styles.css'], ['styles.css']]);
    assert.deepEqual(reported.map((r) => r.round), [1, 2]);
    const [one, two] = reported.map((r) => r.score ?? NaN);
    assert.ok(one < 0.95, `round 1 (wrong colour) scores below the goal: ${one}`);
    assert.ok(two > one, `round 2 scores higher: ${one} -> ${two}`);
    assert.ok(two > 0.99, `round 2 reproduces the page: ${two}`);
    assert.ok(reported.every((r) => r.renderPng && r.renderPng.length > 0));

    assert.equal(result.best.round, 2);
    assert.equal(result.stopReason, 'target-reached');
    assert.equal(result.restored, false);
    assert.deepEqual(result.best.files.map((f) => f.path), ['index.html', 'styles.css']);
    assert.equal(await fs.readFile(path.join(workspace, 'styles.css'), 'utf8'), css);
    console.log(
      `      scores ${one.toFixed(3)} -> ${two.toFixed(3)}; render ${reported.map((r) => r.timings.renderMs.toFixed(0)).join(', ')} ms; ` +
        `score ${reported.map((r) => r.timings.scoreMs.toFixed(0)).join(', ')} ms`,
    );
  });
});
