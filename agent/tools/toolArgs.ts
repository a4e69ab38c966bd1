import type { JsonSchema } from '../../engine/protocol';
import type { Validation } from '../tool';

/**
 * One table per tool describes its arguments; the JSON schema the model sees and the
 * validation of what it sends are both built from it, so the two cannot drift apart.
 */

export interface ParamSpec {
  type: 'string' | 'integer' | 'boolean';
  description: string;
  optional?: boolean;
  /** For strings: refuse '' (and text that is only spaces). */
  nonEmpty?: boolean;
  /** For integers. */
  minimum?: number;
  maximum?: number;
}

export type ParamTable = Record<string, ParamSpec>;

export function parametersSchema(params: ParamTable): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, spec] of Object.entries(params)) {
    const schema: JsonSchema = { type: spec.type, description: spec.description };
    if (spec.minimum !== undefined) schema.minimum = spec.minimum;
    if (spec.maximum !== undefined) schema.maximum = spec.maximum;
    properties[name] = schema;
  }
  const required = Object.entries(params)
    .filter(([, spec]) => !spec.optional)
    .map(([name]) => name);
  return { type: 'object', properties, required };
}

/**
 * Checks `raw` against the table and returns the arguments, or one message that names the
 * tool, the argument, what was expected and what came, e.g.
 * "edit_file: 'search' must be a string (got number)". Unknown extra arguments are ignored
 * unless a required one is missing, when they are named as a likely misspelling. An optional
 * argument sent as null counts as left out.
 */
export function validateArgs<A>(tool: string, raw: unknown, params: ParamTable): Validation<A> {
  let value = raw;
  if (typeof value === 'string') {
    // Arguments may arrive as the JSON text the model wrote.
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false, error: `${tool}: the arguments are not valid JSON. Send an object like ${example(params)}.` };
    }
  }
  if (value === undefined || value === null) value = {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: `${tool}: the arguments must be an object like ${example(params)} (got ${typeName(value)}).` };
  }
  const given = value as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(params)) {
    const field = given[name];
    if (field === undefined || (field === null && spec.optional)) {
      if (spec.optional) continue;
      const unknown = Object.keys(given).filter((key) => !(key in params));
      const hint = unknown.length > 0 ? ` (got unknown ${unknown.map((key) => `'${key}'`).join(', ')}; the arguments are ${Object.keys(params).join(', ')})` : '';
      return { ok: false, error: `${tool}: '${name}' is required${hint}.` };
    }
    const problem = checkField(field, spec);
    if (problem) return { ok: false, error: `${tool}: '${name}' ${problem}.` };
    args[name] = field;
  }
  return { ok: true, args: args as A };
}

function checkField(field: unknown, spec: ParamSpec): string | undefined {
  switch (spec.type) {
    case 'string':
      if (typeof field !== 'string') return `must be a string (got ${typeName(field)})`;
      if (spec.nonEmpty && field.trim() === '') return 'must not be empty';
      return undefined;
    case 'boolean':
      if (typeof field !== 'boolean') return `must be true or false (got ${typeName(field)})`;
      return undefined;
    case 'integer':
      if (typeof field !== 'number') return `must be a whole number (got ${typeName(field)})`;
      if (!Number.isInteger(field)) return `must be a whole number (got ${field})`;
      if (spec.minimum !== undefined && field < spec.minimum) return `must be at least ${spec.minimum} (got ${field})`;
      if (spec.maximum !== undefined && field > spec.maximum) return `must be at most ${spec.maximum} (got ${field})`;
      return undefined;
  }
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function example(params: ParamTable): string {
  const fields = Object.entries(params)
    .filter(([, spec]) => !spec.optional)
    .map(([name, spec]) => `"${name}": ${spec.type === 'string' ? '"..."' : spec.type === 'integer' ? '1' : 'true'}`);
  return `{${fields.join(', ')}}`;
}
