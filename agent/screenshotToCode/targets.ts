/**
 * What kind of code a screenshot becomes in this workspace. Only plain HTML+CSS and React
 * are generated; other frameworks get plain HTML with a note, because a 12B model writes
 * a faithful static page far more reliably than framework glue it cannot see working.
 */
export type CodeTarget = 'html' | 'react';

export interface TargetPlan {
  target: CodeTarget;
  /** The file holding the markup, relative to the workspace root. */
  markupPath: string;
  /** The stylesheet the markup links or imports, relative to the workspace root. */
  stylePath: string;
  /**
   * Whether the result can be rendered by headless Chromium and scored. Plain HTML can;
   * a React component needs the project's own build (JSX, bundler) first, so React
   * projects get the webview preview only, with no score, unless they build to static
   * HTML that the caller renders itself.
   */
  headlessRender: boolean;
  /** For the user: why this target, and when a framework fell back to plain HTML. */
  note?: string;
}

export interface WorkspaceFacts {
  /** The parsed package.json at the workspace root, if there is one. */
  packageJson?: object;
  /** Workspace-relative file paths (forward slashes), as a file search lists them. */
  files: string[];
}

/** Frameworks recognised in package.json but not generated; their pages fall back to HTML. */
const FALLBACK_FRAMEWORKS: ReadonlyArray<{ name: string; packages: string[] }> = [
  { name: 'Vue', packages: ['vue', 'nuxt'] },
  { name: 'Svelte', packages: ['svelte', '@sveltejs/kit'] },
  { name: 'Angular', packages: ['@angular/core'] },
  { name: 'Solid', packages: ['solid-js'] },
  { name: 'Preact', packages: ['preact'] },
];

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies'] as const;

/** The plan for a target when nothing about the workspace is known. */
export function defaultPlan(target: CodeTarget): TargetPlan {
  return target === 'react'
    ? { target, markupPath: 'src/ScreenshotView.jsx', stylePath: 'src/ScreenshotView.css', headlessRender: false }
    : { target, markupPath: 'index.html', stylePath: 'styles.css', headlessRender: true };
}

/** Accepts either a bare target or a full plan, so callers that know no workspace stay short. */
export function toPlan(target: CodeTarget | TargetPlan): TargetPlan {
  return typeof target === 'string' ? defaultPlan(target) : target;
}

/**
 * Picks the target from the workspace: React when package.json depends on `react`,
 * otherwise plain HTML (index.html + styles.css), which is also what Vue, Svelte,
 * Angular, Solid and Preact projects get, with a note saying so.
 */
export function detectTarget(workspace: WorkspaceFacts): TargetPlan {
  const deps = dependencyNames(workspace.packageJson);
  if (deps.has('react')) return reactPlan(workspace.files, deps);

  const html = defaultPlan('html');
  const framework = FALLBACK_FRAMEWORKS.find((f) => f.packages.some((p) => deps.has(p)));
  if (framework) {
    html.note =
      `This project uses ${framework.name}, which screenshot-to-code does not generate: it writes plain HTML and CSS ` +
      `(${html.markupPath}, ${html.stylePath}) instead. Move the markup into a ${framework.name} component afterwards, ` +
      'or ask the agent to.';
  }
  return html;
}

function reactPlan(files: readonly string[], deps: ReadonlySet<string>): TargetPlan {
  const typescript = deps.has('typescript') || files.some((f) => /(^|\/)tsconfig\.json$/.test(f) || /\.tsx$/.test(f));
  const folder = files.some((f) => f.startsWith('src/components/'))
    ? 'src/components/'
    : files.some((f) => f.startsWith('src/'))
      ? 'src/'
      : '';
  return {
    target: 'react',
    markupPath: `${folder}ScreenshotView.${typescript ? 'tsx' : 'jsx'}`,
    stylePath: `${folder}ScreenshotView.css`,
    headlessRender: false,
    note:
      'React component: shown in the preview only, without a similarity score, because rendering it needs ' +
      "the project's own build.",
  };
}

function dependencyNames(packageJson: object | undefined): Set<string> {
  const names = new Set<string>();
  if (!packageJson) return names;
  const record = packageJson as Record<string, unknown>;
  for (const field of DEPENDENCY_FIELDS) {
    const deps = record[field];
    if (deps && typeof deps === 'object' && !Array.isArray(deps)) for (const name of Object.keys(deps)) names.add(name);
  }
  return names;
}
