/**
 * The preview panel's page, as plain data in and HTML out so it can be checked without VS
 * Code. Top: the generated page in a sandboxed frame at the screenshot's size. Below: the
 * screenshot and the latest render side by side, and the similarity of every round.
 * No script runs anywhere in it; the panel is rebuilt for every update.
 */

export interface PreviewRound {
  round: number;
  /** Visual similarity 0..1; undefined when the round was not rendered. */
  score?: number;
  modelMs: number;
  renderMs: number;
  /** Workspace paths this round wrote. */
  written: string[];
}

export interface PreviewImage {
  dataUrl: string;
  width: number;
  height: number;
}

export interface PreviewModel {
  /** The output folder or component, shown as the heading. */
  title: string;
  /** One line on where the run stands, e.g. "Round 2 of 3: similarity 0.91". */
  status: string;
  /** The self-contained page for the frame; undefined while nothing is generated or when it cannot be shown. */
  page?: { html: string; width: number; height: number };
  /** Why the page looks different here, or why it is not shown. */
  notes: string[];
  screenshot: PreviewImage;
  /** The latest render and the round it belongs to. */
  render?: PreviewImage & { round: number; score?: number };
  rounds: PreviewRound[];
  /** The round whose files are kept. */
  bestRound?: number;
}

/** The panel page allows inline styles and data: images, and nothing else (no script at all). */
export const PANEL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function previewDocument(model: PreviewModel): string {
  const page = model.page
    ? `<div class="viewport"><iframe class="page-frame" title="Generated page" sandbox="" width="${model.page.width}" height="${model.page.height}" style="width:${model.page.width}px;height:${model.page.height}px" srcdoc="${escapeAttribute(model.page.html)}"></iframe></div>`
    : '<p class="empty">The page appears here after the first round.</p>';
  const notes = model.notes.map((note) => `<p class="note">${escapeText(note)}</p>`).join('');
  const render = model.render
    ? figure(
        model.render,
        `Render of round ${model.render.round}${model.render.score === undefined ? '' : `: similarity ${model.render.score.toFixed(3)}`}`,
        'render',
      )
    : '<figure class="render"><div class="placeholder">No render yet</div><figcaption>Render</figcaption></figure>';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${PANEL_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeText(model.title)}</title>
<style>${STYLES}</style>
</head>
<body>
<header>
<h1>${escapeText(model.title)}</h1>
<p class="status" role="status">${escapeText(model.status)}</p>
</header>
<section class="page" aria-label="Generated page">
${page}
${notes}
</section>
<section class="compare" aria-label="Screenshot and render">
${figure(model.screenshot, 'Screenshot', 'screenshot')}
${render}
</section>
<section aria-label="Rounds">
${roundsTable(model.rounds, model.bestRound)}
</section>
</body>
</html>`;
}

function figure(image: PreviewImage, caption: string, kind: string): string {
  return `<figure class="${kind}"><img src="${escapeAttribute(image.dataUrl)}" width="${image.width}" height="${image.height}" alt="${escapeAttribute(caption)}"><figcaption>${escapeText(caption)}</figcaption></figure>`;
}

function roundsTable(rounds: readonly PreviewRound[], bestRound: number | undefined): string {
  if (rounds.length === 0) return '<p class="empty">No round finished yet.</p>';
  const rows = rounds
    .map((r) => {
      const best = r.round === bestRound;
      return (
        `<tr class="round${best ? ' best' : ''}" data-round="${r.round}">` +
        `<td>${r.round}${best ? ' (kept)' : ''}</td>` +
        `<td class="score">${r.score === undefined ? 'not scored' : r.score.toFixed(3)}</td>` +
        `<td>${seconds(r.modelMs)}</td>` +
        `<td>${r.score === undefined ? '' : seconds(r.renderMs)}</td>` +
        `<td>${r.written.length === 0 ? 'no change' : r.written.map(escapeText).join(', ')}</td>` +
        '</tr>'
      );
    })
    .join('');
  return `<table><thead><tr><th>Round</th><th>Similarity</th><th>Model</th><th>Render</th><th>Files written</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

const STYLES = `
body { font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground); background: var(--vscode-editor-background); margin: 0; padding: 12px 16px 24px; }
header { display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; }
h1 { font-size: 1.2em; margin: 0 0 8px; }
.status { margin: 0 0 8px; color: var(--vscode-descriptionForeground); }
.viewport { overflow: auto; max-height: 70vh; border: 1px solid var(--vscode-panel-border, #8888); background: #fff; width: fit-content; max-width: 100%; }
.page-frame { display: block; border: 0; background: #fff; }
.note { margin: 6px 0; color: var(--vscode-editorWarning-foreground, inherit); }
.empty { color: var(--vscode-descriptionForeground); font-style: italic; }
.compare { display: flex; gap: 12px; margin-top: 16px; align-items: flex-start; }
.compare figure { flex: 1 1 0; min-width: 0; margin: 0; }
.compare img { display: block; max-width: 100%; height: auto; border: 1px solid var(--vscode-panel-border, #8888); }
.compare .placeholder { border: 1px dashed var(--vscode-panel-border, #8888); padding: 24px; text-align: center; color: var(--vscode-descriptionForeground); }
figcaption { margin-top: 4px; color: var(--vscode-descriptionForeground); }
table { border-collapse: collapse; margin-top: 16px; }
th, td { text-align: left; padding: 3px 12px 3px 0; border-bottom: 1px solid var(--vscode-panel-border, #8884); vertical-align: top; }
tr.best td { font-weight: 600; }
`;
