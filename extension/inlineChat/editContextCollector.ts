import * as vscode from 'vscode';
import { diagnosticsInTarget, type DiagnosticSeverity, type EditContext, type SpanDiagnostic } from './core/editPrompt';
import { editTargetFor, surroundingsOf } from './core/editTarget';

const SEVERITIES: Record<vscode.DiagnosticSeverity, DiagnosticSeverity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** How the file is named to the model: relative to the workspace, or the tab title of an unsaved file. */
function displayPath(document: vscode.TextDocument): string {
  if (document.isUntitled) return `${vscode.workspace.asRelativePath(document.uri, false)} (unsaved, not yet a file)`;
  return vscode.workspace.asRelativePath(document.uri, false);
}

/** Reads what the model needs about the place being edited from the document and the Problems it has. */
export function collectEditContext(document: vscode.TextDocument, selection: vscode.Selection): EditContext {
  const target = editTargetFor(selection, (line) => document.lineAt(line).text);
  const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
  const spans: SpanDiagnostic[] = vscode.languages.getDiagnostics(document.uri).map((d) => {
    const span: SpanDiagnostic = { startLine: d.range.start.line, endLine: d.range.end.line, severity: SEVERITIES[d.severity], message: d.message };
    if (d.source) span.source = d.source;
    const code = codeOf(d);
    if (code !== undefined) span.code = code;
    return span;
  });
  return {
    path: displayPath(document),
    languageId: document.languageId,
    target,
    original: lines.slice(target.startLine, target.startLine + target.lineCount),
    surroundings: surroundingsOf(lines, target),
    diagnostics: diagnosticsInTarget(spans, target),
  };
}
