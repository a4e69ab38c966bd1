import { strict as assert } from 'node:assert';
import { formatRecordingTime, levelBar } from '../../extension/voice/core/recordingDisplay';

describe('voice: recording display', () => {
  it('counts whole seconds as m:ss', () => {
    assert.equal(formatRecordingTime(0), '0:00');
    assert.equal(formatRecordingTime(3.9), '0:03');
    assert.equal(formatRecordingTime(65), '1:05');
    assert.equal(formatRecordingTime(-1), '0:00');
  });

  it('draws the level as one block from lowest to full', () => {
    assert.equal(levelBar(0), '▁');
    assert.equal(levelBar(0.5), '▅');
    assert.equal(levelBar(1), '█');
    assert.equal(levelBar(Number.NaN), '▁');
  });
});
