// Test extension for languageModel.test.ts: registers probe_lookup, then asks Gemma Agent's
// model through vscode.lm (a plain reply, then one offered a tool) and writes what came back
// to lm-probe.json in the workspace folder.
const vscode = require('vscode');

async function collect(model, messages, options) {
  const response = await model.sendRequest(messages, options);
  const parts = [];
  for await (const part of response.stream) {
    if (part instanceof vscode.LanguageModelTextPart) parts.push({ text: part.value });
    else if (part instanceof vscode.LanguageModelToolCallPart) parts.push({ call: { id: part.callId, name: part.name, input: part.input } });
  }
  return parts;
}

async function probe() {
  const report = { tools: vscode.lm.tools.map((t) => t.name) };
  try {
    const models = await vscode.lm.selectChatModels({ vendor: 'gemma-agent' });
    report.models = models.map((m) => ({ id: m.id, name: m.name, vendor: m.vendor, family: m.family, maxInputTokens: m.maxInputTokens }));
    const model = models[0];
    if (model) {
      report.reply = await collect(model, [vscode.LanguageModelChatMessage.User('Say hello')], {});
      report.tokens = await model.countTokens('one two three four');
      const tool = vscode.lm.tools.find((t) => t.name === 'probe_lookup');
      report.toolReply = await collect(
        model,
        [
          vscode.LanguageModelChatMessage.User('What does "zephyr" mean?'),
          vscode.LanguageModelChatMessage.Assistant([new vscode.LanguageModelToolCallPart('earlier', 'probe_lookup', { word: 'breeze' })]),
          vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart('earlier', [new vscode.LanguageModelTextPart('a light wind')])]),
        ],
        { tools: [{ name: tool.name, description: tool.description, inputSchema: tool.inputSchema }] },
      );
    }
  } catch (err) {
    report.error = String(err && err.stack ? err.stack : err);
  }
  const folder = vscode.workspace.workspaceFolders[0].uri;
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'lm-probe.json'), Buffer.from(JSON.stringify(report, null, 2)));
}

exports.activate = function activate(context) {
  context.subscriptions.push(
    vscode.lm.registerTool('probe_lookup', {
      invoke: (options) => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(`probe dictionary: "${options.input.word}" means a gentle west wind`)]),
    }),
  );
  void probe();
};
