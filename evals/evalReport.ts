import type { EvalReport } from './evalHarness';

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** A plain-text table: one row per task, then the overall means. */
export function formatReportTable(report: EvalReport): string {
  const k = `pass@${report.k}`;
  const header = ['task', 'n', 'c', 'pass@1', k, 'steps', 'seconds'];
  const rows = report.tasks.map((t) => [t.task, String(t.n), String(t.c), t.passAt1.toFixed(3), t.passAtK.toFixed(3), t.meanSteps.toFixed(1), t.meanSeconds.toFixed(1)]);
  rows.push(['overall', '', '', report.overall.passAt1.toFixed(3), report.overall.passAtK.toFixed(3), '', '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, i) => pad(cell, widths[i] ?? 0, i > 0)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The report as JSON, without the run logs (they can be long; --keep-logs keeps them). */
export function reportJson(report: EvalReport, withLogs = false): string {
  const runs = report.runs.map((run) => (withLogs ? run : { ...run, log: undefined }));
  return JSON.stringify({ ...report, runs }, null, 2);
}
