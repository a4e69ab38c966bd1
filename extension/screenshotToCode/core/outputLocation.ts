import * as path from 'node:path';
import type { TargetPlan } from '../../../agent/screenshotToCode';

/**
 * Where a screenshot's code lands. Plain HTML goes into a folder of its own named after the
 * image (`screenshot-login/` for login.png), so generating never touches the project's own
 * index.html; the model is told the short names (index.html, styles.css) and the folder is
 * added when writing. React components go where the project keeps its sources, as planned.
 */
export interface OutputLocation {
  plan: TargetPlan;
  /** Workspace-relative folder the model's paths are placed in; '' for the workspace root. */
  folder: string;
}

/** `screenshot-<name>` from the image's file name, in letters, digits and dashes only. */
export function folderNameFor(imageFile: string): string {
  const stem = path.basename(imageFile).replace(/\.[^.]*$/, '');
  const slug = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `screenshot-${slug || 'page'}`;
}

/** `base`, else `base-2`, `base-3`, ... : the first name `taken` says is free. */
export async function firstFreeFolder(base: string, taken: (folder: string) => Promise<boolean>): Promise<string> {
  if (!(await taken(base))) return base;
  for (let n = 2; n < 1000; n++) {
    const candidate = `${base}-${n}`;
    if (!(await taken(candidate))) return candidate;
  }
  throw new Error(`Every folder name from ${base} to ${base}-999 is taken in the workspace. Remove some of them, or rename the screenshot.`);
}

/**
 * The workspace path of a file the model named. The model was given paths inside the
 * folder; one that already starts with the folder (it repeated the folder name) is kept.
 */
export function toWorkspacePath(location: Pick<OutputLocation, 'folder'>, modelPath: string): string {
  const { folder } = location;
  if (folder === '' || modelPath === folder || modelPath.startsWith(`${folder}/`)) return modelPath;
  return `${folder}/${modelPath}`;
}

/** The files the plan always writes, as workspace paths. */
export function plannedPaths(location: OutputLocation): string[] {
  return [location.plan.markupPath, location.plan.stylePath].map((p) => toWorkspacePath(location, p));
}

/** The page Chromium renders: the markup file, absolute. */
export function markupFile(root: string, location: OutputLocation): string {
  return path.join(root, ...toWorkspacePath(location, location.plan.markupPath).split('/'));
}
