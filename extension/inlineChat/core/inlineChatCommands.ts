/** Command ids and context keys of inline chat, shared by the controller, the lenses and the manifest. */
export const INLINE_COMMANDS = {
  start: 'gemmaAgent.inlineChat',
  acceptAll: 'gemmaAgent.inlineChat.acceptAll',
  rejectAll: 'gemmaAgent.inlineChat.rejectAll',
  cancel: 'gemmaAgent.inlineChat.cancel',
  acceptHunk: 'gemmaAgent.inlineChat.acceptChange',
  rejectHunk: 'gemmaAgent.inlineChat.rejectChange',
} as const;

export const INLINE_CONTEXT_KEYS = {
  /** The active editor shows an inline change (being written or under review). */
  diffVisible: 'gemmaAgent.inlineDiffVisible',
  /** The active editor's inline change is still being written. */
  generating: 'gemmaAgent.inlineChatGenerating',
} as const;
