import { strict as assert } from 'node:assert';
import { DraftAcceptanceWatch, draftCountersFromMetrics } from '../../engine/supervisor/draftAcceptance';

describe('DraftAcceptanceWatch', () => {
  it('stays quiet until enough tokens were drafted', () => {
    const watch = new DraftAcceptanceWatch(256, 0.4);
    assert.equal(watch.observe({ drafted: 100, accepted: 5 }), undefined);
  });

  it('warns once when acceptance stays low', () => {
    const watch = new DraftAcceptanceWatch(256, 0.4);
    const verdict = watch.observe({ drafted: 400, accepted: 40 });
    assert.ok(verdict);
    assert.equal(verdict.acceptance, 0.1);
    assert.equal(watch.observe({ drafted: 800, accepted: 80 }), undefined, 'only once');
  });

  it('does not warn for a drafter that is mostly right', () => {
    const watch = new DraftAcceptanceWatch(256, 0.4);
    assert.equal(watch.observe({ drafted: 1000, accepted: 700 }), undefined);
  });

  it('starts over when the engine restarts and its counters drop', () => {
    const watch = new DraftAcceptanceWatch(256, 0.4);
    assert.ok(watch.observe({ drafted: 300, accepted: 10 }));
    watch.reset();
    assert.equal(watch.observe({ drafted: 50, accepted: 1 }), undefined);
    assert.ok(watch.observe({ drafted: 300, accepted: 3 }));
  });

  it('reads the counters from llama-server metric names', () => {
    assert.deepEqual(draftCountersFromMetrics({ 'llamacpp:spec_decode_num_draft_tokens_total': 12, 'llamacpp:spec_decode_num_accepted_tokens_total': 7 }), { drafted: 12, accepted: 7 });
    assert.equal(draftCountersFromMetrics({ 'llamacpp:prompt_tokens_total': 3 }), undefined);
  });
});
