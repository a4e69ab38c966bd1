export { MediaError, isMediaError, type MediaErrorCode } from './errors';
export type { MediaInput } from './input';
export { prepareImage, prepareAudio } from './offThread';
export {
  DEFAULT_IMAGE_MAX_TOKENS,
  MAX_IMAGE_BYTES,
  type PreparedImage,
  type PreparedImageMime,
  type PrepareImageOptions,
} from './prepareImage';
export {
  estimateImageTokens,
  serverImageGrid,
  IMAGE_PATCH_SIZE,
  IMAGE_MIN_PATCHES,
  IMAGE_MAX_PATCHES,
  IMAGE_WRAPPER_TOKENS,
  type ImageGrid,
  type ImageTokenLimits,
} from './imageTokens';
export { fitImageToBudget, imageTokenRange, type ImageFit } from './imageFit';
export { sniffImageFormat, MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS, type ImageFormat } from './imageHeader';
export {
  DEFAULT_AUDIO_MAX_SECONDS,
  MAX_AUDIO_INPUT_SECONDS,
  MIN_AUDIO_SECONDS,
  MAX_AUDIO_BYTES,
  type PreparedAudio,
  type PrepareAudioOptions,
} from './prepareAudio';
export {
  estimateAudioTokens,
  audioTokensForSamples,
  AUDIO_SAMPLE_RATE,
  AUDIO_SAMPLES_PER_TOKEN,
  AUDIO_WRAPPER_TOKENS,
} from './audioTokens';
