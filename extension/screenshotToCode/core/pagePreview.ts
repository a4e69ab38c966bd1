import type { GeneratedFile } from '../../../agent/screenshotToCode';
import { type OutputLocation, toWorkspacePath } from './outputLocation';
import { buildPreviewPage } from './previewPage';

export interface PagePreview {
  /** The self-contained document; undefined when the files hold no page that can be shown. */
  html?: string;
  notes: string[];
}

/** What the preview frame shows for a round's complete file set. */
export function pagePreview(files: readonly GeneratedFile[], location: OutputLocation): PagePreview {
  const markupPath = toWorkspacePath(location, location.plan.markupPath);
  if (location.plan.target === 'react') {
    return {
      notes: [
        `${markupPath} is a React component: it needs your project's build to be shown, so there is no live page or similarity score here. ` +
          'Import it in your app and run the dev server to see it.',
      ],
    };
  }
  const byPath = new Map(files.map((f) => [toWorkspacePath(location, f.path), f.content]));
  const markup = byPath.get(markupPath);
  if (markup === undefined) return { notes: [`The model wrote no ${markupPath}, so there is no page to show.`] };

  const page = buildPreviewPage(markup, markupPath, byPath);
  const notes: string[] = [];
  if (page.scriptsRemoved > 0) {
    notes.push(`${page.scriptsRemoved === 1 ? 'A script was' : `${page.scriptsRemoved} scripts were`} left out: the preview never runs scripts.`);
  }
  if (page.missingStylesheets.length > 0) {
    notes.push(`Not in the preview, since only the generated files are used: ${page.missingStylesheets.join(', ')}.`);
  }
  return { html: page.html, notes };
}
