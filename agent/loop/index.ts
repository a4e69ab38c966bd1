export { AgentSession, runAgent, PARSE_ERROR_NOTE } from './agentSession';
export type { AgentRunResult, AgentSessionOptions, RunOptions, SamplingOptions, UserRequest } from './agentOptions';
export { stableStringify } from './stableJson';
