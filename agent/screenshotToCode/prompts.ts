import type { ChatMessage, ContentPart } from '../../engine/protocol';
import { formatFileBlocks, type GeneratedFile } from './fileBlocks';
import { imageDataUrl, pageSize, type ScreenshotImage } from './screenshotImage';
import { type CodeTarget, type TargetPlan, toPlan } from './targets';

/**
 * Prompts for screenshot-to-code. Every request stands alone (system + one user turn):
 * a fix request carries the current files and both images, so the context holds two
 * images and one copy of the code instead of a growing history, and a small context fits.
 */

export interface FixPromptOptions {
  /** Defaults to plain HTML with its usual paths. */
  target?: CodeTarget | TargetPlan;
  /** What the user asked for when starting (kept across rounds). */
  userNote?: string;
}

export function buildGenerateMessages(image: ScreenshotImage, target: CodeTarget | TargetPlan, userNote?: string): ChatMessage[] {
  const plan = toPlan(target);
  const { width, height } = pageSize(image);
  const content: ContentPart[] = [
    { type: 'text', text: `Screenshot to reproduce (${width}x${height} pixels):` },
    { type: 'image_url', image_url: { url: imageDataUrl(image) } },
    {
      type: 'text',
      text: [
        `Write ${describeTarget(plan)} that looks exactly like this screenshot in a browser window of ${width}x${height} CSS pixels.`,
        ...noteLines(userNote),
        '',
        outputFormat(plan),
      ].join('\n'),
    },
  ];
  return [
    { role: 'system', content: systemPrompt(plan) },
    { role: 'user', content },
  ];
}

/**
 * Shows the model its own result next to the target and asks for corrected files.
 * `score` is the visual similarity of the render to the screenshot, 0 to 1.
 */
export function buildFixMessages(
  original: ScreenshotImage,
  render: ScreenshotImage,
  previousFiles: readonly GeneratedFile[],
  score: number | undefined,
  options: FixPromptOptions = {},
): ChatMessage[] {
  const plan = toPlan(options.target ?? 'html');
  const { width, height } = pageSize(original);
  const scoreLine =
    score === undefined
      ? ''
      : `Visual similarity of your page to the screenshot: ${score.toFixed(3)} (1 means identical).`;
  const content: ContentPart[] = [
    { type: 'text', text: `Image 1, the screenshot to reproduce (${width}x${height} pixels):` },
    { type: 'image_url', image_url: { url: imageDataUrl(original) } },
    { type: 'text', text: 'Image 2, how your current code renders at the same window size:' },
    { type: 'image_url', image_url: { url: imageDataUrl(render) } },
    {
      type: 'text',
      text: [
        'Your current files:',
        '',
        formatFileBlocks(previousFiles),
        '',
        ...(scoreLine ? [scoreLine] : []),
        ...noteLines(options.userNote),
        'Compare image 2 with image 1: layout, positions, sizes, spacing, colours, fonts, borders and text.',
        'First list the visible differences in at most five short lines. Then write every file that needs a change, complete, to make image 2 match image 1.',
        '',
        outputFormat(plan),
      ].join('\n'),
    },
  ];
  return [
    { role: 'system', content: systemPrompt(plan) },
    { role: 'user', content },
  ];
}

function systemPrompt(plan: TargetPlan): string {
  return [
    'You turn screenshots of user interfaces into front-end code that reproduces them as closely as possible.',
    'Rules:',
    '- Match the layout, sizes, spacing, colours, fonts, borders and every visible text exactly; write the text as it appears.',
    '- Use no external resources (no CDNs, web fonts, remote images or scripts): the page is viewed offline.',
    '  Draw pictures and icons with CSS or inline SVG, or use a solid box of their main colour.',
    ...(plan.target === 'react'
      ? ['- Use React and CSS only; import nothing but React and the stylesheet.']
      : ['- Use plain HTML and CSS; no JavaScript unless the screenshot cannot be drawn without it.']),
    '- Write complete files, never fragments or "rest unchanged" placeholders.',
  ].join('\n');
}

function describeTarget(plan: TargetPlan): string {
  if (plan.target === 'react') {
    return (
      `a React function component, exported as default from ${plan.markupPath}, ` +
      `with its styles in ${plan.stylePath} (imported by the component)`
    );
  }
  return `a web page: ${plan.markupPath} linking the stylesheet ${plan.stylePath}`;
}

function outputFormat(plan: TargetPlan): string {
  const markupLanguage = plan.target === 'react' ? (plan.markupPath.endsWith('.tsx') ? 'tsx' : 'jsx') : 'html';
  return [
    'Output format: each file in its own fenced block whose opening line gives the language and the path, like this:',
    '',
    `\`\`\`${markupLanguage} path=${plan.markupPath}`,
    '...',
    '```',
    '',
    `\`\`\`css path=${plan.stylePath}`,
    '...',
    '```',
  ].join('\n');
}

function noteLines(userNote: string | undefined): string[] {
  const note = userNote?.trim();
  return note ? ['', `The user adds: ${note}`] : [];
}
