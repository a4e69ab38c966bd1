// A small MCP server for the tests, speaking the Model Context Protocol over stdio by hand
// (newline-delimited JSON-RPC 2.0: initialize, tools/list, tools/call, ping). Run as
//   node mcpServer.js SENTINEL_DIR
// It offers two tools:
//   write_marker  writes {"text": ...} into SENTINEL_DIR/marker.txt (it only ever writes there)
//   read_secret   returns a fixed string (marked read-only)
// and appends every message it gets to SENTINEL_DIR/mcp-log.jsonl, so a test can see who
// started it and what it was asked.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
if (!dir || !fs.existsSync(dir)) {
  process.stderr.write(`usage: node mcpServer.js SENTINEL_DIR (an existing folder); got ${dir}\n`);
  process.exit(2);
}
const log = (entry) => fs.appendFileSync(path.join(dir, 'mcp-log.jsonl'), `${JSON.stringify(entry)}\n`);

const SECRET = 'mcp-secret-7f3a91';
const TOOLS = [
  {
    name: 'write_marker',
    title: 'Write marker',
    description: 'Writes the given text into the marker file of the test server.',
    inputSchema: { type: 'object', properties: { text: { type: 'string', description: 'What to write' } }, required: ['text'] },
  },
  {
    name: 'read_secret',
    title: 'Read secret',
    description: 'Returns the secret word of the test server.',
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true },
  },
];

function call(name, args) {
  if (name === 'write_marker') {
    if (typeof args?.text !== 'string') return { content: [{ type: 'text', text: 'write_marker needs "text" (a string).' }], isError: true };
    fs.writeFileSync(path.join(dir, 'marker.txt'), args.text);
    return { content: [{ type: 'text', text: `wrote ${args.text.length} characters to marker.txt` }] };
  }
  if (name === 'read_secret') return { content: [{ type: 'text', text: SECRET }] };
  return undefined;
}

function answer(message) {
  const { id, method, params } = message;
  switch (method) {
    case 'initialize':
      return { result: { protocolVersion: params?.protocolVersion ?? '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'gemmatest', version: '1.0.0' } } };
    case 'ping':
      return { result: {} };
    case 'tools/list':
      return { result: { tools: TOOLS } };
    case 'tools/call': {
      const result = call(params?.name, params?.arguments);
      return result ? { result } : { error: { code: -32602, message: `Unknown tool: ${params?.name}` } };
    }
    default:
      return id === undefined ? undefined : { error: { code: -32601, message: `Method not found: ${method}` } };
  }
}

function send(message) {
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

log({ started: process.pid });
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let newline;
  while ((newline = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, newline).trim();
    buffered = buffered.slice(newline + 1);
    if (line === '') continue;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ id: null, error: { code: -32700, message: 'Parse error' } });
      continue;
    }
    log({ method: message.method, params: message.params });
    if (message.id === undefined) continue; // a notification (notifications/initialized, cancelled)
    const reply = answer(message);
    if (reply) send({ id: message.id, ...reply });
  }
});
process.stdin.on('end', () => process.exit(0));
