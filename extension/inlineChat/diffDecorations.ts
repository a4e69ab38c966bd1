import * as vscode from 'vscode';
import { kindRuns, type BlockLayout, type LineKind } from './core/diffLayout';

/**
 * The look of the vertical diff: original lines a change would remove in red and struck
 * through, proposed lines in green, original lines the model has not reached yet dimmed.
 * Theme diff colours, so it reads like the diff editor in every theme.
 */
export class DiffDecorations implements vscode.Disposable {
  private readonly types: Record<Exclude<LineKind, 'unchanged'>, vscode.TextEditorDecorationType>;

  constructor() {
    this.types = {
      removed: vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
        textDecoration: 'line-through',
        overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
        overviewRulerLane: vscode.OverviewRulerLane.Left,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
      inserted: vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
        overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
        overviewRulerLane: vscode.OverviewRulerLane.Left,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
      upcoming: vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        opacity: '0.5',
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    };
  }

  /** Marks the block starting at `blockStart` in `editor` as `layout` describes. */
  show(editor: vscode.TextEditor, blockStart: number, layout: BlockLayout): void {
    for (const [kind, type] of Object.entries(this.types) as Array<[LineKind, vscode.TextEditorDecorationType]>) {
      const ranges = kindRuns(layout.kinds, kind).map(
        (run) => new vscode.Range(blockStart + run.start, 0, blockStart + run.start + run.count - 1, Number.MAX_SAFE_INTEGER),
      );
      editor.setDecorations(type, ranges);
    }
  }

  clear(editor: vscode.TextEditor): void {
    for (const type of Object.values(this.types)) editor.setDecorations(type, []);
  }

  dispose(): void {
    for (const type of Object.values(this.types)) type.dispose();
  }
}
