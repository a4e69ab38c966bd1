import { MediaError } from './errors';

export type SampleEncoding = 'uint8' | 'int16' | 'int24' | 'int32' | 'float32' | 'float64';

export interface WavLayout {
  sampleRate: number;
  channels: number;
  encoding: SampleEncoding;
  /** Bytes per frame (one sample of every channel). */
  blockAlign: number;
  /** Where the samples start and how many whole frames there are. */
  dataOffset: number;
  frames: number;
}

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MP3',
  0x00ff: 'AAC',
};

const RECORD_WAV = 'Record or export it as WAV (PCM or float); the built-in recorder already writes WAV.';

/** Names audio containers we recognise but do not take, so the message can say what it got. */
export function otherAudioFormatName(b: Uint8Array): string | undefined {
  const tag = ascii(b, 0, 4);
  if (ascii(b, 0, 3) === 'ID3') return 'MP3';
  if (tag === 'fLaC') return 'FLAC';
  if (tag === 'OggS') return 'Ogg (Opus/Vorbis)';
  if (ascii(b, 4, 4) === 'ftyp') return 'M4A/MP4';
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'WebM/Matroska';
  if (tag === 'FORM' && (ascii(b, 8, 4) === 'AIFF' || ascii(b, 8, 4) === 'AIFC')) return 'AIFF';
  if (tag === 'caff') return 'CAF';
  if (ascii(b, 0, 5) === '#!AMR') return 'AMR';
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xf6) === 0xf0) return 'AAC (ADTS)';
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0) return 'MP3';
  return undefined;
}

export function isWav(b: Uint8Array): boolean {
  const riff = ascii(b, 0, 4);
  return (riff === 'RIFF' || riff === 'RF64' || riff === 'BW64') && ascii(b, 8, 4) === 'WAVE';
}

/**
 * Finds the format and the samples of a WAV file, tolerating what real recorders write:
 * extra chunks before or after the data, odd-sized chunks with or without their pad byte,
 * and a data size left at 0 or 0xFFFFFFFF by a recorder that streamed and never went back
 * to fill it in (then the samples run to the end of the file).
 */
export function readWavLayout(b: Uint8Array): WavLayout {
  if (!isWav(b)) {
    const other = otherAudioFormatName(b);
    throw new MediaError(
      'unsupported-format',
      other ? `${other} audio is not supported. ${RECORD_WAV}` : `This is not a WAV file (no RIFF/WAVE header). ${RECORD_WAV}`,
    );
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let fmt: Omit<WavLayout, 'dataOffset' | 'frames'> | undefined;
  let data: { offset: number; length: number } | undefined;
  let ds64DataSize: number | undefined;

  let pos = 12;
  while (pos + 8 <= b.length) {
    const id = ascii(b, pos, 4);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'ds64' && size >= 16 && body + 16 <= b.length) {
      ds64DataSize = Number(view.getBigUint64(body + 8, true));
    } else if (id === 'fmt ') {
      if (body + Math.min(size, 16) > b.length || size < 16) {
        throw new MediaError('corrupt', 'The WAV file ends inside its format chunk: it is truncated.');
      }
      fmt = readFormat(view, body, size);
    } else if (id === 'data') {
      const rest = b.length - body;
      let length = size === 0xffffffff && ds64DataSize !== undefined ? ds64DataSize : size;
      const streamed = length === 0 || length === 0xffffffff || length > rest;
      if (streamed) length = rest;
      data = { offset: body, length };
      // A streamed size tells nothing about where the next chunk would be.
      if (streamed || fmt) break;
    }
    pos = nextChunk(b, body, size);
  }

  if (!fmt) throw new MediaError('corrupt', 'The WAV file has no format ("fmt ") chunk: it is damaged or truncated.');
  if (!data) throw new MediaError('empty', 'The WAV file has no audio data (no "data" chunk). Record again.');
  const frames = Math.floor(data.length / fmt.blockAlign);
  return { ...fmt, dataOffset: data.offset, frames };
}

function readFormat(view: DataView, at: number, size: number): Omit<WavLayout, 'dataOffset' | 'frames'> {
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const declaredAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40 || at + 26 > view.byteLength) {
      throw new MediaError('corrupt', 'The WAV file says its format is "extensible" but its format chunk is too short: it is damaged.');
    }
    // The sub-format GUID starts with the plain format tag.
    tag = view.getUint16(at + 24, true);
  }
  if (channels === 0) throw new MediaError('corrupt', 'The WAV header says the audio has 0 channels: the file is damaged.');
  if (sampleRate < 1000 || sampleRate > 768000) {
    throw new MediaError('unsupported-format', `The WAV file's sample rate of ${sampleRate} Hz is not supported (1 kHz to 768 kHz). ${RECORD_WAV}`);
  }
  // Bytes per sample as stored; 20-bit audio, say, sits in 3-byte slots.
  const declaredSlot = declaredAlign > 0 && declaredAlign % channels === 0 ? declaredAlign / channels : 0;
  const slot = declaredSlot >= Math.ceil(bits / 8) ? declaredSlot : Math.ceil(bits / 8);
  let encoding: SampleEncoding | undefined;
  if (tag === FORMAT_PCM) {
    encoding = slot === 1 ? 'uint8' : slot === 2 ? 'int16' : slot === 3 ? 'int24' : slot === 4 ? 'int32' : undefined;
  } else if (tag === FORMAT_FLOAT) {
    encoding = slot === 4 ? 'float32' : slot === 8 ? 'float64' : undefined;
  } else {
    const name = FORMAT_NAMES[tag] ?? `format 0x${tag.toString(16).padStart(4, '0')}`;
    throw new MediaError('unsupported-format', `The WAV file holds ${name} audio, which is not supported. ${RECORD_WAV}`);
  }
  if (!encoding) {
    const kind = tag === FORMAT_FLOAT ? 'float' : 'integer';
    throw new MediaError('unsupported-format', `The WAV file holds ${bits}-bit ${kind} samples, which are not supported. ${RECORD_WAV}`);
  }
  return { sampleRate, channels, encoding, blockAlign: slot * channels };
}

/**
 * RIFF pads odd-sized chunks to an even length, but some writers forget; when the padded
 * position does not hold a chunk name and the unpadded one does, the writer forgot.
 */
function nextChunk(b: Uint8Array, body: number, size: number): number {
  const unpadded = body + size;
  if (size % 2 === 0) return unpadded;
  const padded = unpadded + 1;
  if (!looksLikeChunkId(b, padded) && looksLikeChunkId(b, unpadded)) return unpadded;
  return padded;
}

function looksLikeChunkId(b: Uint8Array, at: number): boolean {
  if (at + 4 > b.length) return false;
  for (let i = at; i < at + 4; i++) if (b[i] < 0x20 || b[i] > 0x7e) return false;
  return true;
}

function ascii(b: Uint8Array, start: number, length: number): string {
  if (start + length > b.length) return '';
  return String.fromCharCode(...b.subarray(start, start + length));
}
