/**
 * How each command the README shows is checked in a fresh copy of the tree. Every README
 * command must have an entry here and every entry must still be in the README (a unit test
 * holds both), so neither can drift from the other.
 *
 * - `completes`: runs to the end within the limit and exits 0.
 * - `serves`: runs until it prints the code-server URL, the URL answers, then Ctrl+C stops it.
 * - `starts`: a long-running command; it must print `until` without failing first, and is
 *   then stopped (with all it started).
 */
export interface CheckContext {
  /** The fresh copy the commands run in. */
  dir: string;
  /** A scratch folder for DIR placeholders. */
  workspace: string;
  /** The scripted engine's URL for URL placeholders. */
  endpoint: string;
  /** A free port for N placeholders. */
  port: number;
}

export type Check =
  | { kind: 'completes'; run?: string; limitS: number; expect?: RegExp; env?: NodeJS.ProcessEnv }
  | { kind: 'serves'; run?: string; limitS: number; expectUrl?: RegExp }
  | { kind: 'starts'; run?: string; limitS: number; until: RegExp; env?: NodeJS.ProcessEnv };

export const NESTED_ENV = 'GEMMA_AGENT_README_NESTED';

export const commandChecks: Record<string, (ctx: CheckContext) => Check> = {
  'npm start': () => ({ kind: 'serves', limitS: 300 }),
  'npm test': () => ({ kind: 'starts', limitS: 300, until: /setup: synthetic Gemma 4 models/ }),
  'npm install && npm start': () => ({ kind: 'serves', limitS: 420 }),
  'npm install && npm test': () => ({ kind: 'starts', limitS: 420, until: /setup: synthetic Gemma 4 models/ }),
  'bash .ci/run': () => ({ kind: 'starts', limitS: 300, until: /setup: Debian packages/ }),
  'npm start -- --folder DIR --port N': (ctx) => ({
    kind: 'serves',
    run: `npm start -- --folder ${ctx.workspace} --port ${ctx.port}`,
    limitS: 300,
    expectUrl: new RegExp(`^http://127\\.0\\.0\\.1:${ctx.port}/\\?folder=${encodeURIComponent(ctx.workspace).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
  }),
  'npm run package': () => ({ kind: 'completes', limitS: 300 }),
  'code --install-extension gemma-agent.vsix': () => ({ kind: 'completes', limitS: 120, expect: /successfully installed/i }),
  'code-server --install-extension gemma-agent.vsix': () => ({ kind: 'completes', limitS: 120, expect: /successfully installed/i }),
  'npm run setup -- test': () => ({ kind: 'completes', limitS: 300, expect: /setup: synthetic Gemma 4 models/ }),
  'npm run build': () => ({ kind: 'completes', limitS: 120 }),
  'npm run typecheck': () => ({ kind: 'completes', limitS: 240 }),
  'npm run lint': () => ({ kind: 'completes', limitS: 300 }),
  'npm run engine:build': () => ({ kind: 'completes', limitS: 120, expect: /llama-server: / }),
  'npm run engine:build -- --variant cpu-portable --ship': () => ({ kind: 'starts', limitS: 120, until: /Building llama-server \(cpu-portable\)/ }),
  'npm run models:tiny': () => ({ kind: 'completes', limitS: 120, expect: /done in \d+ ms/ }),
  'npm run test:unit': () => ({ kind: 'starts', limitS: 180, until: /✔/ }),
  'npm run test:integration': () => ({ kind: 'starts', limitS: 180, until: /✔/ }),
  'npm run test:engine': () => ({ kind: 'starts', limitS: 240, until: /✔/ }),
  'npm run test:e2e': () => ({ kind: 'starts', limitS: 240, until: /Packaged: / }),
  // Run inside itself, it checks only that every command still has a check.
  'npm run test:readme': () => ({ kind: 'completes', limitS: 120, expect: /passing/, env: { [NESTED_ENV]: '1' } }),
  'npm run bench:engine': () => ({ kind: 'starts', limitS: 240, until: /"metric"/ }),
  'npm run bench:first-run': () => ({ kind: 'starts', limitS: 120, until: /"metric":"memory_plan_context"/ }),
  'npm run bench:agent': () => ({ kind: 'starts', limitS: 300, until: /"metric":"agent_step"/ }),
  'npm run bench:media': () => ({ kind: 'starts', limitS: 240, until: /"metric":"image_prepare/ }),
  'npm run bench:tools': () => ({ kind: 'completes', limitS: 120, expect: /"metric":"edit_cancel_ms"/ }),
  'npm run bench:checkpoint': () => ({ kind: 'completes', limitS: 240, expect: /"metric":"checkpoint_storage_mb"/ }),
  'npm run agent -- run --workspace DIR --endpoint URL "task"': (ctx) => ({
    kind: 'completes',
    run: `npm run agent -- run --workspace ${ctx.workspace} --endpoint ${ctx.endpoint} "Say what this folder holds"`,
    limitS: 120,
    expect: /The folder is empty\./,
  }),
  'npm run eval -- --endpoint URL --k 3': (ctx) => ({ kind: 'completes', run: `npm run eval -- --endpoint ${ctx.endpoint} --k 3`, limitS: 240, expect: /pass@1/ }),
};
