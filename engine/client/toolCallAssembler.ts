import type { ToolCallDelta } from '../protocol';

export interface AssembledToolCall {
  id: string;
  name: string;
  /** JSON text as the model wrote it; parsing and validation belong to the tool runner. */
  arguments: string;
}

interface PartialCall {
  id?: string;
  name: string;
  arguments: string;
}

/**
 * Joins streamed tool-call fragments. Fragments of parallel calls are keyed by `index`;
 * the id and name arrive once, the arguments in pieces.
 */
export class ToolCallAssembler {
  private readonly calls = new Map<number, PartialCall>();

  add(delta: ToolCallDelta): void {
    const call = this.calls.get(delta.index) ?? { name: '', arguments: '' };
    if (delta.id) call.id = delta.id;
    if (delta.function?.name) call.name += delta.function.name;
    if (delta.function?.arguments) call.arguments += delta.function.arguments;
    this.calls.set(delta.index, call);
  }

  get size(): number {
    return this.calls.size;
  }

  /** Calls in index order. A missing id gets a stable local one so results can still be matched. */
  finish(): AssembledToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({ id: call.id ?? `call_${index}`, name: call.name, arguments: call.arguments }));
  }
}
