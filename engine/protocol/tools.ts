/** The JSON Schema subset tool parameters are written in; extra keywords pass through untouched. */
export interface JsonSchema {
  /**
   * 'object', 'string', 'number', 'integer', 'boolean', 'array' or 'null'. Typed as string
   * so schemas kept in plain objects or JSON files fit without `as const`.
   */
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: Array<string | number | boolean | null>;
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
  [keyword: string]: unknown;
}

export interface ToolDefinition {
  type: 'function';
  function: {
    name: string;
    description?: string;
    parameters?: JsonSchema;
  };
}

export interface NamedToolChoice {
  type: 'function';
  function: { name: string };
}

/**
 * llama-server only understands the three strings; a named choice is translated by the
 * client (see wireRequest.ts) because the server silently reads an object as 'auto'.
 */
export type ToolChoice = 'auto' | 'required' | 'none' | NamedToolChoice;

/** A call as it appears in an assistant message; `arguments` is the JSON text the model wrote. */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}
