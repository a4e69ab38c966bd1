// A stand-in for llama-server in supervisor unit tests: it parses the same flags, prints the
// same "listening on" line, answers /health with 503 while "loading" and 200 after, and can
// be told to crash, hang or exit early through FAKE_* environment variables. Behind the key it
// lists its one model on /v1/models as llama-server does.
const http = require('node:http');
const args = process.argv.slice(2);
const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const loadMs = Number(process.env.FAKE_LOAD_MS ?? 200);
if (process.env.FAKE_EXIT_EARLY) {
  console.error('llama_model_load: error loading model: failed to open model file');
  process.exit(1);
}
if (process.env.FAKE_ARGS_FILE) require('node:fs').writeFileSync(process.env.FAKE_ARGS_FILE, JSON.stringify(args));
const started = Date.now();
const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    const ready = Date.now() - started >= loadMs && !process.env.FAKE_NEVER_READY;
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
    res.end(ready ? '{"status":"ok"}' : '{"error":{"code":503,"message":"Loading model"}}');
    return;
  }
  if (req.headers.authorization !== `Bearer ${flag('--api-key')}`) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}');
    return;
  }
  if (req.url === '/crash') { res.end('bye'); setTimeout(() => process.exit(3), 10); return; }
  if (req.url === '/v1/models' || req.url === '/models') {
    // As llama-server lists its one model: --alias, else -m's path as given.
    const id = flag('--alias') ?? flag('-m') ?? flag('--model') ?? 'model.gguf';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id, object: 'model', created: Math.floor(started / 1000), owned_by: 'llamacpp', meta: null }] }));
    return;
  }
  res.writeHead(404); res.end();
});
server.listen(Number(flag('--port') ?? 0), flag('--host') ?? '127.0.0.1', () => {
  console.error('load_tensors: loading model tensors, this can take a while...');
  console.error(`main: server is listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => { if (!process.env.FAKE_IGNORE_SIGTERM) process.exit(0); });
