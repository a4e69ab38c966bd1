// The media worker's entry: prepares images and voice clips off the extension host's thread.
// Bundled as dist/mediaWorker.js (scripts/build.mjs); engine/media/offThread.ts starts it.
import { parentPort } from 'node:worker_threads';
import { prepareAudioInThread } from './prepareAudio';
import { prepareImageInThread } from './prepareImage';
import { ownedBytes, type PlainAudio, type PlainImage, serializeError, type WorkerReply, type WorkerRequest } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('engine/media/mediaWorker runs as a worker thread.');

async function handle(request: WorkerRequest): Promise<void> {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    if (request.kind === 'image') {
      const image = await prepareImageInThread(request.input, request.options);
      const value: PlainImage = {
        mime: image.mime,
        data: ownedBytes(image.data),
        width: image.width,
        height: image.height,
        originalWidth: image.originalWidth,
        originalHeight: image.originalHeight,
        sourceFormat: image.sourceFormat,
        tokens: image.tokens,
        resized: image.resized,
      };
      reply = { id: request.id, ok: true, value };
      transfer = [value.data.buffer as ArrayBuffer];
    } else {
      const audio = await prepareAudioInThread(request.input, request.options);
      const value: PlainAudio = { ...audio, wav: ownedBytes(audio.wav) };
      reply = { id: request.id, ok: true, value };
      transfer = [value.wav.buffer as ArrayBuffer];
    }
  } catch (err) {
    reply = { id: request.id, ok: false, error: serializeError(err) };
  }
  port?.postMessage(reply, transfer);
}

// One job at a time: two 48 MP photos at once would need twice the memory, and no less time.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  queue = queue.then(() => handle(request));
});
