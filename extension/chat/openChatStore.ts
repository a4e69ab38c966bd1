import * as path from 'node:path';
import * as vscode from 'vscode';
import { CHATS_FILE, ChatStore, type StoreState } from './core/chatStore';

/** Where versions up to 0.1.0 kept chats (workspace state). */
const LEGACY_KEY = 'gemmaAgent.chats.v1';

/**
 * The chat store of this window: a file in the extension's storage for this workspace (the
 * global storage when no folder is open). Chats an earlier version kept in workspace state
 * move into the file, and leave workspace state once the file holds them.
 */
export function openChatStore(context: vscode.ExtensionContext): ChatStore {
  const folder = context.storageUri ?? vscode.Uri.joinPath(context.globalStorageUri, 'no-folder');
  const legacy = context.workspaceState.get<StoreState>(LEGACY_KEY);
  const store = new ChatStore(path.join(folder.fsPath, CHATS_FILE), legacy);
  if (legacy) {
    void store.save(store.current()).then(
      () => context.workspaceState.update(LEGACY_KEY, undefined),
      () => undefined, // keep the old copy; the next save tries again
    );
  }
  return store;
}
