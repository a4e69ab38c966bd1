import { createApp, type ChatApp } from './app';
import type { SavedState } from './state';
import { connect } from './vscodeApi';

const root = document.getElementById('app');
if (!root) throw new Error('The chat view markup is missing its #app element.');

// The channel delivers nothing before this script ends, so the app exists by the first message.
const holder: { app?: ChatApp } = {};
const channel = connect<SavedState>((message) => holder.app?.handle(message));
holder.app = createApp(root, {
  post: channel.post,
  storage: channel,
  schedule: (callback) => window.requestAnimationFrame(callback),
});
channel.post('ready', {});
