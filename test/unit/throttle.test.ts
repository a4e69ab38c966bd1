import * as assert from 'node:assert/strict';
import { Throttled } from '../../extension/chat/core/throttle';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Throttled (saving a streaming reply now and then)', () => {
  it('runs once per interval however often it is scheduled', async () => {
    let runs = 0;
    const t = new Throttled(30, () => (runs += 1));
    for (let i = 0; i < 50; i++) t.schedule();
    assert.equal(runs, 0, 'not on the first call: the first token alone is not worth a write');
    await wait(60);
    assert.equal(runs, 1);
    t.schedule();
    await wait(60);
    assert.equal(runs, 2, 'a later call starts a new interval');
  });

  it('drops a pending run when cancelled', async () => {
    let runs = 0;
    const t = new Throttled(20, () => (runs += 1));
    t.schedule();
    t.cancel();
    await wait(50);
    assert.equal(runs, 0);
  });
});
