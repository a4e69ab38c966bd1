import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../engine/errors';

/** task.json: what the agent is asked, and how to tell that it succeeded. */
export interface EvalTask {
  name: string;
  /** Folder of the task: holds task.json, repo/ and usually the check script. */
  dir: string;
  /** The project the agent starts from, copied fresh for every sample. */
  repoDir: string;
  request: string;
  /**
   * Shell command run in the agent's copy after the run; exit 0 means solved. $TASK_DIR
   * points at the task folder, so a check script there is out of the agent's reach.
   */
  check: string;
  maxSteps: number;
  description?: string;
}

export const DEFAULT_TASKS_DIR = path.join(__dirname, 'tasks');

function fail(file: string, what: string): never {
  throw new Error(`${file}: ${what}. A task.json needs {"request": string, "check": string, "maxSteps": positive integer}.`);
}

export async function loadTask(dir: string): Promise<EvalTask> {
  const file = path.join(dir, 'task.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch (error) {
    fail(file, `cannot be read as JSON (${errorMessage(error)})`);
  }
  if (typeof raw !== 'object' || raw === null) fail(file, 'is not an object');
  const spec = raw as Record<string, unknown>;
  if (typeof spec.request !== 'string' || spec.request.trim() === '') fail(file, '"request" is missing');
  if (typeof spec.check !== 'string' || spec.check.trim() === '') fail(file, '"check" is missing');
  if (typeof spec.maxSteps !== 'number' || !Number.isInteger(spec.maxSteps) || spec.maxSteps < 1) fail(file, '"maxSteps" is not a positive integer');
  const repoDir = path.join(dir, 'repo');
  if (!(await fsp.stat(repoDir).catch(() => undefined))?.isDirectory()) fail(file, 'the task has no repo/ folder beside it');
  const task: EvalTask = { name: path.basename(dir), dir, repoDir, request: spec.request, check: spec.check, maxSteps: spec.maxSteps };
  if (typeof spec.description === 'string') task.description = spec.description;
  return task;
}

/** The tasks in `tasksDir` (each a folder with task.json), or only the named ones, in the order named. */
export async function loadTasks(tasksDir: string = DEFAULT_TASKS_DIR, names?: readonly string[]): Promise<EvalTask[]> {
  const entries = await fsp.readdir(tasksDir, { withFileTypes: true });
  const available = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const chosen = names && names.length > 0 ? [...names] : available;
  const unknown = chosen.filter((name) => !available.includes(name));
  if (unknown.length > 0) throw new Error(`No such eval task: ${unknown.join(', ')}. Available: ${available.join(', ')}.`);
  return Promise.all(chosen.map((name) => loadTask(path.join(tasksDir, name))));
}
