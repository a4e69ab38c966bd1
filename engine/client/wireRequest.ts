import type { ChatRequest } from '../protocol';
import { neutraliseOutsideText } from '../protocol/controlTokens';

/**
 * The body actually sent for a streamed chat. Text from outside has its control-token
 * spellings broken (see controlTokens.ts). llama-server ignores an object
 * `tool_choice` (it reads it as 'auto'), so a named choice becomes 'required' with only
 * that tool offered, which the server's grammar then enforces.
 */
export function toStreamingWireRequest(request: ChatRequest): ChatRequest {
  const wire: ChatRequest = {
    ...request,
    messages: neutraliseOutsideText(request.messages),
    stream: true,
    stream_options: { include_usage: true, ...request.stream_options },
  };
  const choice = request.tool_choice;
  if (typeof choice === 'object') {
    const name = choice.function.name;
    const tool = request.tools?.find((candidate) => candidate.function.name === name);
    if (!tool) {
      throw new TypeError(`tool_choice names the tool "${name}", which is not among the request's tools.`);
    }
    wire.tools = [tool];
    wire.tool_choice = 'required';
  }
  return wire;
}
