export { AgentSession, runAgent, PARSE_ERROR_NOTE } from './agentSession';
export type { AgentRunResult, AgentSessionOptions, RunOptions, SamplingOptions, UserRequest } from './agentOptions';
export { DEFAULT_MAX_STEPS, DEFAULT_THINKING_BUDGET } from './agentOptions';
export { stableStringify } from './stableJson';
