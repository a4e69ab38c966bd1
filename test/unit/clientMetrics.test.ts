import { strict as assert } from 'node:assert';
import {
  EngineClient,
  parsePrometheusText,
  promptCacheStats,
  speculativeStats,
  timingsFromWire,
} from '../../engine/client';
import { reply, startScriptedEngine, type ScriptedEngine } from '../support/scriptedEngine';

// Laid out as llama-server's server_task_result_metrics::to_metrics prints it.
const METRICS_TEXT = `# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed, excluding cached tokens
# TYPE llamacpp:prompt_tokens_total counter
llamacpp:prompt_tokens_total 1.23457e+06
# HELP llamacpp:prompt_tokens_cached_total Number of prompt tokens reused from the cache
# TYPE llamacpp:prompt_tokens_cached_total counter
llamacpp:prompt_tokens_cached_total 3.70371e+06
# HELP llamacpp:prompt_seconds_total Total time spent processing prompts
# TYPE llamacpp:prompt_seconds_total counter
llamacpp:prompt_seconds_total 6858.09
# HELP llamacpp:tokens_predicted_total Number of generation tokens processed
# TYPE llamacpp:tokens_predicted_total counter
llamacpp:tokens_predicted_total 48211
# HELP llamacpp:tokens_predicted_seconds_total Total time spent generating tokens
# TYPE llamacpp:tokens_predicted_seconds_total counter
llamacpp:tokens_predicted_seconds_total 1893.4
# HELP llamacpp:n_decode_total Total number of llama_decode() calls, excluding speculative decoding and multimodal decoding
# TYPE llamacpp:n_decode_total counter
llamacpp:n_decode_total 30127
# HELP llamacpp:n_tokens_max Largest observed sequence length (prompt + generation)
# TYPE llamacpp:n_tokens_max counter
llamacpp:n_tokens_max 16384
# HELP llamacpp:spec_decode_num_draft_tokens_total Speculative: Total draft tokens generated
# TYPE llamacpp:spec_decode_num_draft_tokens_total counter
llamacpp:spec_decode_num_draft_tokens_total 36000
# HELP llamacpp:spec_decode_num_accepted_tokens_total Speculative: Total draft tokens accepted by the target model
# TYPE llamacpp:spec_decode_num_accepted_tokens_total counter
llamacpp:spec_decode_num_accepted_tokens_total 25920
# HELP llamacpp:spec_decode_num_drafts_total Speculative: Total speculative decoding verification steps
# TYPE llamacpp:spec_decode_num_drafts_total counter
llamacpp:spec_decode_num_drafts_total 18000
# HELP llamacpp:prompt_tokens_seconds Average prompt throughput in tokens/s
# TYPE llamacpp:prompt_tokens_seconds gauge
llamacpp:prompt_tokens_seconds 180.017
# HELP llamacpp:predicted_tokens_seconds Average generation throughput in tokens/s
# TYPE llamacpp:predicted_tokens_seconds gauge
llamacpp:predicted_tokens_seconds 25.4627
# HELP llamacpp:requests_processing Number of requests processing
# TYPE llamacpp:requests_processing gauge
llamacpp:requests_processing 0
# HELP llamacpp:requests_deferred Number of requests deferred
# TYPE llamacpp:requests_deferred gauge
llamacpp:requests_deferred 0
# HELP llamacpp:n_busy_slots_per_decode Average number of busy slots per llama_decode() call
# TYPE llamacpp:n_busy_slots_per_decode gauge
llamacpp:n_busy_slots_per_decode nan
# HELP llamacpp:spec_decode_num_accepted_tokens_per_pos_total Accepted tokens per draft position
# TYPE llamacpp:spec_decode_num_accepted_tokens_per_pos_total counter
llamacpp:spec_decode_num_accepted_tokens_per_pos_total{position="0"} 15100
llamacpp:spec_decode_num_accepted_tokens_per_pos_total{position="1"} 10820
`;

describe('metrics parsing', () => {
  it('reads every sample of llama-server /metrics', () => {
    const metrics = parsePrometheusText(METRICS_TEXT);
    assert.equal(Object.keys(metrics).length, 17);
    assert.equal(metrics['llamacpp:prompt_tokens_total'], 1_234_570);
    assert.equal(metrics['llamacpp:prompt_seconds_total'], 6858.09);
    assert.equal(metrics['llamacpp:requests_processing'], 0);
    assert.ok(Number.isNaN(metrics['llamacpp:n_busy_slots_per_decode']));
    assert.equal(metrics['llamacpp:spec_decode_num_accepted_tokens_per_pos_total{position="1"}'], 10820);
  });

  it('summarises the drafter and the prompt cache', () => {
    const metrics = parsePrometheusText(METRICS_TEXT);
    assert.deepEqual(speculativeStats(metrics), {
      draftTokens: 36000,
      acceptedTokens: 25920,
      drafts: 18000,
      acceptance: 0.72,
      acceptedPerPosition: [15100, 10820],
    });
    const cache = promptCacheStats(metrics);
    assert.equal(cache.cachedTokens, 3_703_710);
    assert.equal(cache.processedTokens, 1_234_570);
    assert.equal(cache.hitRate, 3_703_710 / (3_703_710 + 1_234_570));
    assert.deepEqual(speculativeStats({}), { draftTokens: 0, acceptedTokens: 0, drafts: 0, acceptance: undefined, acceptedPerPosition: [] });
    assert.equal(promptCacheStats({}).hitRate, undefined);
  });

  it('tolerates labels with braces, timestamps, CRLF and junk lines', () => {
    const metrics = parsePrometheusText(
      'a_total{path="/x}",q="say \\"hi\\""} 3 1700000000000\r\nb +Inf\r\nc -Inf\nnot a sample line\nd\n e 1e-05 \n',
    );
    assert.deepEqual(metrics, {
      'a_total{path="/x}",q="say \\"hi\\""}': 3,
      b: Number.POSITIVE_INFINITY,
      c: Number.NEGATIVE_INFINITY,
      e: 0.00001,
    });
  });
});

describe('timings', () => {
  it('derives speed, acceptance and cache share, filling what the server left out', () => {
    const timings = timingsFromWire({ cache_n: 75, prompt_n: 25, prompt_ms: 100, predicted_n: 50, predicted_ms: 2000, draft_n: 40, draft_n_accepted: 30 });
    assert.equal(timings.tokensPerSecond, 25);
    assert.equal(timings.predicted_per_second, 25);
    assert.equal(timings.draftAcceptance, 0.75);
    assert.equal(timings.cacheHitRate, 0.75);
    const empty = timingsFromWire({});
    assert.equal(empty.tokensPerSecond, 0);
    assert.equal(empty.draftAcceptance, undefined);
    assert.equal(empty.cacheHitRate, undefined);
  });
});

describe('EngineClient small endpoints', () => {
  let engine: ScriptedEngine;
  let client: EngineClient;

  beforeEach(async () => {
    engine = await startScriptedEngine({ apiKey: 'k', props: { nCtx: 32768, audio: false } });
    client = new EngineClient({ baseUrl: engine.url, apiKey: 'k' });
  });
  afterEach(async () => {
    await engine.close();
  });

  it('health() says ok', async () => {
    assert.equal(await client.health(), 'ok');
  });

  it('props() gives modalities, context size and chat template', async () => {
    const props = await client.props();
    assert.deepEqual(props.modalities, { vision: true, audio: false });
    assert.equal(props.n_ctx, 32768);
    assert.match(props.chat_template, /<\|turn>/);
    assert.equal(props.total_slots, 1);
    assert.equal(props.build_info, 'b1-de3ff81');
  });

  it('metrics() reflects the requests served', async () => {
    const before = await client.metrics();
    assert.equal(before['llamacpp:tokens_predicted_total'], 0);
    engine.push(reply('The first answer is rather long, long enough to be drafted.'));
    engine.push(reply('The second answer.'));
    const history = [{ role: 'user' as const, content: 'A question about the code base that is long enough to cache.' }];
    const first = await client.chat({ messages: history });
    const second = await client.chat({ messages: [...history, first.message, { role: 'user', content: 'And then?' }] });
    assert.ok((second.timings?.cache_n ?? 0) > 0, 'the shared prefix counts as cached');
    const metrics = await client.metrics();
    assert.equal(
      metrics['llamacpp:tokens_predicted_total'],
      (first.timings?.predicted_n ?? 0) + (second.timings?.predicted_n ?? 0),
    );
    assert.equal(promptCacheStats(metrics).cachedTokens, second.timings?.cache_n);
    const drafts = speculativeStats(metrics);
    assert.equal(drafts.draftTokens, (first.timings?.draft_n ?? 0) + (second.timings?.draft_n ?? 0));
    assert.ok(drafts.acceptance !== undefined && drafts.acceptance > 0.5 && drafts.acceptance < 0.9);
  });

  it('tokenize() returns ids and countTokens() their number', async () => {
    const ids = await client.tokenize('function add(a, b) { return a + b; }');
    assert.ok(ids.length > 5 && ids.every((id) => Number.isInteger(id)));
    assert.deepEqual(await client.tokenize('function add(a, b) { return a + b; }'), ids, 'stable');
    assert.equal(await client.countTokens('function add(a, b) { return a + b; }'), ids.length);
    assert.equal((await client.tokenize('hi', { addSpecial: true }))[0], 2);
  });
});
