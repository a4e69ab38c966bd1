import { strict as assert } from 'node:assert';
import { decideApproval } from '../../agent/policy/approvalPolicy';
import { DEFAULT_APPROVAL_SETTINGS } from '../../agent/policy/approvalSettings';
import type { ToolContext } from '../../agent/tool';
import { chooseExternalTools, ExternalTool, EXTERNAL_RESULT_LIMIT, mcpOrigin, missingMcpTools, type ExternalToolInfo, type InvokeTool } from '../../extension/languageModel/core/externalTool';

const available: ExternalToolInfo[] = [
  { name: 'mcp_notes_search', description: 'Search the notes', inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }, tags: ['mcp'] },
  { name: 'weather', description: 'Weather of a city', inputSchema: undefined, tags: [] },
  { name: 'read_file', description: 'Another read_file', inputSchema: undefined, tags: [] },
];
const context = {} as ToolContext;

describe('external tools: VS Code and MCP tools as agent tools', () => {
  const calls: Array<{ name: string; input: object }> = [];
  const invoke: InvokeTool = (name, input) => {
    calls.push({ name, input });
    return Promise.resolve(`result of ${name}`);
  };

  it('offers only the chosen tools, in the chosen order, never shadowing the agent’s own', () => {
    const tools = chooseExternalTools(available, ['weather', 'missing', 'read_file', 'mcp_notes_search', 'weather'], ['read_file', 'write_file'], invoke);
    assert.deepEqual(tools.map((t) => t.definition.function.name), ['weather', 'mcp_notes_search']);
    assert.deepEqual(chooseExternalTools(available, [], [], invoke), []);
  });

  it('has the tool’s schema as its function definition', () => {
    const [search, weather] = chooseExternalTools(available, ['mcp_notes_search', 'weather'], [], invoke);
    assert.deepEqual(search.definition, { type: 'function', function: { name: 'mcp_notes_search', description: 'Search the notes', parameters: available[0].inputSchema } });
    assert.deepEqual(weather.definition.function.parameters, { type: 'object', properties: {} });
  });

  it('checks required arguments and takes an object', () => {
    const tool = new ExternalTool(available[0], invoke);
    assert.deepEqual(tool.validate({ query: 'x' }), { ok: true, args: { query: 'x' } });
    assert.equal(tool.validate({}).ok, false);
    assert.equal(tool.validate('text').ok, false);
    assert.deepEqual(new ExternalTool(available[1], invoke).validate(undefined), { ok: true, args: {} });
  });

  it('asks as a command does, showing the tool and its arguments', async () => {
    const tool = new ExternalTool(available[0], invoke);
    const request = await tool.describe({ query: 'budget' });
    assert.equal(tool.category, 'command');
    assert.equal(request.category, 'command');
    assert.equal(request.tool, 'mcp_notes_search');
    assert.equal(request.title, 'Call the MCP tool mcp_notes_search');
    assert.match(request.detail ?? '', /mcp_notes_search \{\n {2}"query": "budget"\n\}/);
    assert.equal(decideApproval(request, { ...DEFAULT_APPROVAL_SETTINGS, sandbox: 'os' }).action, 'ask');
    assert.equal((await new ExternalTool(available[1], invoke).describe({})).title, 'Call the VS Code tool weather');
  });

  it('runs through invoke and hands back its text, cut when long', async () => {
    const tool = new ExternalTool(available[0], invoke);
    assert.deepEqual(await tool.run({ query: 'q' }, context), { content: 'result of mcp_notes_search', isError: false });
    assert.deepEqual(calls.at(-1), { name: 'mcp_notes_search', input: { query: 'q' } });
    const long = new ExternalTool(available[1], () => Promise.resolve('x'.repeat(EXTERNAL_RESULT_LIMIT + 10)));
    assert.match((await long.run({}, context)).content, /\[… cut at 20000 characters\]$/);
    const empty = new ExternalTool(available[1], () => Promise.resolve(''));
    assert.equal((await empty.run({}, context)).content, '(the tool returned nothing)');
  });

  it('reports a failing tool to the model, and lets a cancel through', async () => {
    const failing = new ExternalTool(available[1], () => Promise.reject(new Error('server down')));
    assert.deepEqual(await failing.run({}, context), { content: 'weather failed: server down', isError: true });
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(failing.run({}, { ...context, signal: abort.signal }), /server down/);
  });

  it('names the MCP server and the tool on the card when VS Code gives them', async () => {
    // As code-server 4.139 (VS Code 1.139) hands an MCP tool to an extension, stable fields and all.
    const seen = { name: 'mcp_gemmatest_write_marker', description: 'Writes', inputSchema: {}, tags: ['mcp'], fullReferenceName: 'notes/write_marker', source: { label: 'notes', name: 'gemmatest' } };
    assert.deepEqual(mcpOrigin(seen), { server: 'notes', tool: 'write_marker' });
    // Without `source` (VS Code hands it only to extensions with a proposed API) the reference name does.
    assert.deepEqual(mcpOrigin({ ...seen, source: undefined }), { server: 'notes', tool: 'write_marker' });
    assert.equal(mcpOrigin({ ...seen, source: undefined, fullReferenceName: undefined }), undefined);
    assert.equal(mcpOrigin({ ...seen, tags: [] }), undefined, 'only MCP tools');
    assert.equal(mcpOrigin({ name: 'run_task', tags: [], fullReferenceName: 'execute/runTask' }), undefined);
    assert.equal(mcpOrigin(null), undefined);
    const tool = new ExternalTool({ ...available[0], mcp: { server: 'notes', tool: 'search' } }, invoke);
    const request = await tool.describe({ query: 'q' });
    assert.equal(request.title, 'Call search on the MCP server notes');
    assert.equal(request.tool, 'mcp_notes_search');
  });

  it('knows which chosen MCP tools VS Code does not list yet (their server has not run)', () => {
    assert.deepEqual(missingMcpTools(['mcp_a_x', 'weather', 'mcp_b_y', 'mcp_a_x'], ['mcp_b_y', 'weather']), ['mcp_a_x']);
    assert.deepEqual(missingMcpTools(['weather'], []), [], 'an extension tool is not started this way');
  });
});
