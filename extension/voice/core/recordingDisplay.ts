/** How a running recording reads in the status bar and the chat view. */

/** "0:03", "1:05": whole seconds, the way a recorder's timer counts. */
export function formatRecordingTime(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** One block character for a 0..1 level, so the status bar shows the microphone is hearing something. */
export function levelBar(level: number): string {
  const clamped = Number.isFinite(level) ? Math.min(1, Math.max(0, level)) : 0;
  return BARS[Math.min(BARS.length - 1, Math.floor(clamped * BARS.length))];
}
