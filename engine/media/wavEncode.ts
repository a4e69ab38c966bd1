/** 16-bit PCM mono WAV, the plainest form every decoder (the server's miniaudio included) reads. */
export function encodeWav16Mono(samples: Float32Array, sampleRate: number): Buffer {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0, p = 44; i < samples.length; i++, p += 2) {
    const v = Math.round(samples[i] * 32767);
    out.writeInt16LE(v > 32767 ? 32767 : v < -32768 ? -32768 : v, p);
  }
  return out;
}
