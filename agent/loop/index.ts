export { AgentSession, runAgent, PARSE_ERROR_NOTE } from './agentSession';
export type { AgentRunResult, AgentSessionOptions, RunOptions, SamplingOptions, UserRequest } from './agentOptions';
export { DEFAULT_MAX_STEPS } from './agentOptions';
export { stableStringify } from './stableJson';
