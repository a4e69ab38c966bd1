export { detectTarget, defaultPlan, toPlan, type CodeTarget, type TargetPlan, type WorkspaceFacts } from './targets';
export {
  parseGeneratedFiles,
  parseGeneratedReply,
  formatFileBlocks,
  defaultPathsFor,
  type GeneratedFile,
  type RefusedFile,
  type ParsedReply,
  type ParseOptions,
  type DefaultPaths,
} from './fileBlocks';
export { buildGenerateMessages, buildFixMessages, type FixPromptOptions } from './prompts';
export { type ScreenshotImage, imageBytes, imageDataUrl, pageSize } from './screenshotImage';
export { renderHtmlToPng, type RenderHtmlOptions } from './renderHtml';
export { findChromium, chromiumCandidates, type FindChromiumOptions } from './chromiumPath';
export {
  visualSimilarity,
  compareImages,
  compareRasters,
  STRUCTURE_WEIGHT,
  COLOUR_WEIGHT,
  type SimilarityReport,
  type SimilarityOptions,
} from './visualSimilarity';
export {
  runScreenshotToCode,
  type ScreenshotToCodeOptions,
  type ScreenshotToCodeRound,
  type ScreenshotToCodeResult,
  type RoundTimings,
  type StopReason,
} from './selfCheckLoop';
export { ScreenshotToCodeError, isScreenshotToCodeError, type ScreenshotToCodeErrorCode } from './errors';
