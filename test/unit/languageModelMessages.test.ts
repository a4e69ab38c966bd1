import { strict as assert } from 'node:assert';
import { messageText, parseToolInput, toEngineMessages, toEngineTools, toLmPart, toolParameters, type LmMessage } from '../../extension/languageModel/core/chatMessages';
import { modelInformation } from '../../extension/languageModel/core/modelInformation';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

describe('language model: VS Code chat messages to engine messages', () => {
  it('maps a plain exchange to user and assistant messages with string content', () => {
    const messages: LmMessage[] = [
      { role: 'user', content: [{ kind: 'text', value: 'Hello ' }, { kind: 'text', value: 'there' }] },
      { role: 'assistant', content: [{ kind: 'text', value: 'Hi!' }] },
    ];
    assert.deepEqual(toEngineMessages(messages, { vision: false }), [
      { role: 'user', content: 'Hello there' },
      { role: 'assistant', content: 'Hi!' },
    ]);
  });

  it('turns tool calls into tool_calls and tool results into tool messages named after their call', () => {
    const messages: LmMessage[] = [
      { role: 'user', content: [{ kind: 'text', value: 'weather?' }] },
      { role: 'assistant', content: [{ kind: 'tool-call', callId: 'c1', name: 'weather', input: { city: 'Oslo' } }] },
      {
        role: 'user',
        content: [
          { kind: 'tool-result', callId: 'c1', content: [{ kind: 'text', value: 'rain' }, { kind: 'data', mimeType: 'application/json', data: new TextEncoder().encode('{"mm":3}') }] },
          { kind: 'text', value: 'and tomorrow?' },
        ],
      },
    ];
    assert.deepEqual(toEngineMessages(messages, { vision: false }), [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'c1', name: 'weather', content: 'rain\n{"mm":3}' },
      { role: 'user', content: 'and tomorrow?' },
    ]);
  });

  it('sends images as data URLs with vision and a note without it', () => {
    const message: LmMessage = { role: 'user', content: [{ kind: 'text', value: 'what is this?' }, { kind: 'data', mimeType: 'image/PNG', data: png }] };
    assert.deepEqual(toEngineMessages([message], { vision: true }), [
      { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw==' } }] },
    ]);
    const [without] = toEngineMessages([message], { vision: false });
    assert.match(String(without.content), /^what is this\?\[An image was attached, but this engine has no vision/);
  });

  it('merges leading system messages and sends a late one as user text', () => {
    const out = toEngineMessages(
      [
        { role: 'system', content: [{ kind: 'text', value: 'Be brief.' }] },
        { role: 'system', content: [{ kind: 'text', value: 'Use English.' }] },
        { role: 'user', content: [{ kind: 'text', value: 'hi' }] },
        { role: 'system', content: [{ kind: 'text', value: 'late' }] },
      ],
      { vision: false },
    );
    assert.deepEqual(out, [
      { role: 'system', content: 'Be brief.\n\nUse English.' },
      { role: 'user', content: 'hi' },
      { role: 'user', content: 'late' },
    ]);
  });

  it('reads VS Code parts by their fields', () => {
    assert.deepEqual(toLmPart({ value: 'x' }), { kind: 'text', value: 'x' });
    assert.deepEqual(toLmPart({ callId: 'a', name: 'n', input: { q: 1 } }), { kind: 'tool-call', callId: 'a', name: 'n', input: { q: 1 } });
    assert.deepEqual(toLmPart({ callId: 'a', content: [{ value: 'r' }] }), { kind: 'tool-result', callId: 'a', content: [{ kind: 'text', value: 'r' }] });
    assert.deepEqual(toLmPart({ mimeType: 'image/png', data: png }), { kind: 'data', mimeType: 'image/png', data: png });
    assert.deepEqual(toLmPart({ something: 1 }), { kind: 'other' });
    assert.deepEqual(toLmPart(null), { kind: 'other' });
  });

  it('converts offered tools and the model-written arguments', () => {
    assert.deepEqual(toEngineTools([{ name: 'a', description: 'does a', inputSchema: { properties: { x: { type: 'string' } } } }, { name: 'b', description: '' }]), [
      { type: 'function', function: { name: 'a', description: 'does a', parameters: { type: 'object', properties: { x: { type: 'string' } } } } },
      { type: 'function', function: { name: 'b', parameters: { type: 'object', properties: {} } } },
    ]);
    assert.deepEqual(toolParameters(undefined), { type: 'object', properties: {} });
    assert.deepEqual(parseToolInput('{"q":"x"}'), { q: 'x' });
    assert.deepEqual(parseToolInput(''), {});
    assert.deepEqual(parseToolInput('[1]'), { value: [1] });
    assert.deepEqual(parseToolInput('{broken'), { arguments: '{broken' });
  });

  it('gives a message a text to count tokens of', () => {
    const text = messageText({ role: 'assistant', content: [{ kind: 'text', value: 'ok' }, { kind: 'tool-call', callId: 'c', name: 't', input: { a: 1 } }] });
    assert.equal(text, 'ok\nt {"a":1}');
  });
});

describe('language model: the model VS Code lists', () => {
  it('is the local 12B with tools, images only with a projector', () => {
    const info = modelInformation({ remoteUrl: '', vision: false, contextSize: 32768 });
    assert.equal(info.name, 'Gemma 4 12B (local)');
    assert.deepEqual(info.capabilities, { toolCalling: true, imageInput: false });
    assert.equal(info.maxInputTokens + info.maxOutputTokens, 32768);
    assert.equal(modelInformation({ remoteUrl: '', vision: true, contextSize: 8192 }).capabilities.imageInput, true);
  });

  it('names the remote engine by its host', () => {
    const info = modelInformation({ remoteUrl: 'http://gpu-box:8080', vision: true, contextSize: 0 });
    assert.equal(info.name, 'Gemma 4 (remote)');
    assert.equal(info.detail, 'gpu-box:8080');
    assert.equal(info.maxInputTokens + info.maxOutputTokens, 32768);
  });
});
