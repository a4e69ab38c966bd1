import * as vscode from 'vscode';
import type { ContentPart } from '../../engine/protocol';
import { prepareImage, type PreparedAudio } from '../../engine/media';
import type { AttachmentView } from '../../webview/protocol';
import { audioView, imageView } from './core/attachmentViews';
import { editorFileName, type EditorWorkspace } from '../workspace/vscodeMultiRoot';

/** An attachment waiting to be sent: what the view shows and what the model gets. */
export interface PendingAttachment {
  view: AttachmentView;
  parts: ContentPart[];
  /** Where it came from, for "open attachment". */
  uri?: vscode.Uri;
  range?: vscode.Range;
}

let counter = 0;
const nextId = (kind: string): string => `${kind}-${Date.now().toString(36)}-${++counter}`;

/** Code is data for the model: fenced, with its origin, so it is never read as instructions. */
function codePart(label: string, language: string, text: string): ContentPart {
  return { type: 'text', text: `Attached ${label}:\n\`\`\`${language}\n${text}\n\`\`\`` };
}

export function selectionAttachment(editor: vscode.TextEditor, workspace: EditorWorkspace | undefined): PendingAttachment | undefined {
  const selection = editor.selection;
  const doc = editor.document;
  const range = selection.isEmpty ? new vscode.Range(0, 0, doc.lineCount, 0) : new vscode.Range(selection.start, selection.end);
  const text = doc.getText(range);
  if (!text.trim()) return undefined;
  const name = editorFileName(workspace, doc);
  const lines = selection.isEmpty ? '' : `:${range.start.line + 1}-${range.end.line + 1}`;
  const label = `${name}${lines}`;
  return {
    view: { id: nextId(selection.isEmpty ? 'file' : 'selection'), kind: selection.isEmpty ? 'file' : 'selection', label, detail: `${text.split('\n').length} lines` },
    parts: [codePart(selection.isEmpty ? `file ${label}` : `selection ${label}`, doc.languageId, text)],
    uri: doc.uri,
    range,
  };
}

export async function imageAttachment(bytes: Buffer, name: string, maxTokens: number): Promise<PendingAttachment> {
  const image = await prepareImage(bytes, { maxTokens });
  const dataUrl = image.dataUrl();
  return {
    view: imageView(nextId('image'), name, image),
    parts: [{ type: 'image_url', image_url: { url: dataUrl } }],
  };
}

export function audioAttachment(clip: PreparedAudio, label = 'Voice clip'): PendingAttachment {
  const base64 = clip.wav.toString('base64');
  return {
    view: audioView(nextId('audio'), label, clip),
    parts: [{ type: 'input_audio', input_audio: { data: base64, format: 'wav' } }],
  };
}
