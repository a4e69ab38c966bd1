import { strict as assert } from 'node:assert';
import {
  formatFileBlocks,
  type GeneratedFile,
  runScreenshotToCode,
  ScreenshotToCodeError,
} from '../../agent/screenshotToCode';
import { EngineClient } from '../../engine/client';
import { prepareImage } from '../../engine/media';
import { pngBytes, raster, type Rgba } from '../fixtures/media/synth';
import { imageUrls } from '../support/chat';
import { reply, type ScriptedEngine, startScriptedEngine } from '../support/scriptedEngine';

describe('screenshot to code: when the loop stops', () => {
  let engine: ScriptedEngine | undefined;

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  // A fake browser: the page is a block of the colour its stylesheet names, so tests steer the score.
  const SHOT_COLOUR: Rgba = [30, 60, 160, 255];
  function fakeRender(files: GeneratedFile[]): Promise<Buffer> {
    const css = files.find((f) => f.path === 'styles.css')?.content ?? '';
    const m = /rgb\((\d+),(\d+),(\d+)\)/.exec(css);
    const colour: Rgba = m ? [Number(m[1]), Number(m[2]), Number(m[3]), 255] : [255, 255, 255, 255];
    return Promise.resolve(pngBytes(raster(64, 48, (x, y) => (y < 16 && x < 48 ? colour : [255, 255, 255, 255]))));
  }
  const shot = pngBytes(raster(64, 48, (x, y) => (y < 16 && x < 48 ? SHOT_COLOUR : [255, 255, 255, 255])));
  const page = (rgb: string) =>
    formatFileBlocks([
      { path: 'index.html', content: '<!doctype html><link rel="stylesheet" href="styles.css"><div></div>\n' },
      { path: 'styles.css', content: `div { background: rgb(${rgb}); }\n` },
    ]);

  async function run(steps: string[], extra: Partial<Parameters<typeof runScreenshotToCode>[0]> = {}) {
    engine = await startScriptedEngine({ steps: steps.map((text) => reply(text)) });
    const writes: GeneratedFile[][] = [];
    const image = await prepareImage(shot);
    const result = await runScreenshotToCode({
      client: new EngineClient({ baseUrl: engine.url }),
      image,
      target: 'html',
      writeFiles: async (files) => {
        writes.push(files);
      },
      render: fakeRender,
      ...extra,
    });
    return { result, writes, requests: engine.requests };
  }

  it('stops when a fix makes it worse, keeps the better round and writes it back', async () => {
    const { result, writes } = await run([page('90,60,120'), page('250,250,0'), page('30,60,160')]);
    assert.equal(result.rounds.length, 2);
    assert.equal(result.stopReason, 'no-improvement');
    assert.equal(result.best.round, 1);
    assert.ok((result.rounds[1].score ?? 1) < (result.rounds[0].score ?? 0));
    assert.equal(result.restored, true);
    assert.deepEqual(writes[2], [{ path: 'styles.css', content: 'div { background: rgb(90,60,120); }\n' }]);
  });

  it('stops when a fix improves by less than minImprovement', async () => {
    const { result } = await run([page('90,60,120'), page('88,60,124'), page('30,60,160')], { minImprovement: 0.05 });
    assert.equal(result.stopReason, 'no-improvement');
    assert.equal(result.rounds.length, 2);
    assert.equal(result.best.round, 2, 'a small gain still makes the best round');
    assert.equal(result.restored, false);
  });

  it('uses every round it is given while each one helps, and returns the best', async () => {
    const { result, requests } = await run([page('200,60,60'), page('120,60,120'), page('60,60,150')], { maxRounds: 3 });
    assert.equal(result.stopReason, 'max-rounds');
    assert.deepEqual(result.rounds.map((r) => r.round), [1, 2, 3]);
    const scores = result.rounds.map((r) => r.score ?? 0);
    assert.ok(scores[0] < scores[1] && scores[1] < scores[2], scores.join(' < '));
    assert.equal(result.best.round, 3);
    assert.equal(requests.length, 3);
    // Round 3 is shown round 2's render: the best so far, not the first.
    const shownRender = imageUrls(requests[2].body.messages)[1];
    const round2Render = (await prepareImage(result.rounds[1].renderPng as Buffer)).dataUrl();
    assert.equal(shownRender, round2Render);
  });

  it('does one round without a score when nothing can be rendered (React)', async () => {
    const { result, requests } = await run([page('1,2,3')], { render: async () => undefined });
    assert.equal(result.stopReason, 'no-render');
    assert.equal(result.rounds.length, 1);
    assert.equal(result.best.score, undefined);
    assert.equal(requests.length, 1);
  });

  it('fails with a clear error when the first reply holds no files', async () => {
    await assert.rejects(run(['I am not sure what this screenshot shows.']), (err: unknown) => {
      assert.ok(err instanceof ScreenshotToCodeError);
      assert.equal(err.code, 'no-files');
      assert.match(err.message, /without any file in the requested format/);
      return true;
    });
  });

  it('keeps the best round when a fix reply holds no files', async () => {
    const { result } = await run([page('90,60,120'), 'Looks right to me.']);
    assert.equal(result.stopReason, 'no-files');
    assert.equal(result.best.round, 1);
  });

  it('can be cancelled between rounds', async () => {
    const controller = new AbortController();
    await assert.rejects(
      run([page('90,60,120'), page('30,60,160')], {
        signal: controller.signal,
        onRound: () => controller.abort(),
      }),
      { name: 'AbortError' },
    );
  });
});
