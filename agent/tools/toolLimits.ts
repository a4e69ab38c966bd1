/**
 * How much one tool result may hold. The default context is 16k tokens shared by the system
 * prompt, the conversation and every tool result, so each result stays a few thousand tokens
 * at most and says how to get the rest.
 */
export const TOOL_LIMITS = {
  /** read_file: lines and characters shown per call. */
  readMaxLines: 250,
  readMaxChars: 12_000,
  /** Any single line shown by read_file or search_text is cut beyond this. */
  lineMaxChars: 500,
  searchLineMaxChars: 200,
  listMaxEntries: 200,
  findMaxResults: 100,
  searchMaxResults: 50,
  diagnosticsMax: 60,
  /** run_command: bytes of output kept (head and tail), and timeouts in seconds. */
  commandOutputBytes: 12_000,
  commandDefaultTimeoutSeconds: 120,
  commandMaxTimeoutSeconds: 600,
  /** edit_file: lines of the result shown around a change so the model can check it. */
  editContextLines: 3,
  editPreviewMaxLines: 40,
} as const;
