import { MAX_IMAGE_BYTES, type PastedImageMime } from './protocol';

export type ImageRead = { ok: true; mime: PastedImageMime; base64: string; name?: string } | { ok: false; error: string };

const accepted: ReadonlySet<string> = new Set<PastedImageMime>(['image/png', 'image/jpeg']);

/** Image files among pasted or dropped items; other files are reported, not silently dropped. */
export function imageFiles(transfer: DataTransfer | null): { images: File[]; others: number } {
  const images: File[] = [];
  let others = 0;
  for (const file of transfer?.files ?? []) {
    if (accepted.has(file.type)) images.push(file);
    else others += 1;
  }
  return { images, others };
}

/** Reads an image as base64 for `pasteImage`, refusing what the host would refuse anyway. */
export function readImage(file: File): Promise<ImageRead> {
  if (!accepted.has(file.type)) return Promise.resolve({ ok: false, error: `${file.name || 'This file'} is not a PNG or JPEG image.` });
  if (file.size > MAX_IMAGE_BYTES) {
    const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
    return Promise.resolve({ ok: false, error: `The image is too large (${mb(file.size)} MB; at most ${mb(MAX_IMAGE_BYTES)} MB).` });
  }
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onerror = () => resolve({ ok: false, error: 'The image could not be read.' });
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      const comma = url.indexOf(',');
      if (comma < 0) return resolve({ ok: false, error: 'The image could not be read.' });
      const read = { ok: true as const, mime: file.type as PastedImageMime, base64: url.slice(comma + 1) };
      resolve(file.name ? { ...read, name: file.name.slice(0, 256) } : read);
    };
    reader.readAsDataURL(file);
  });
}
