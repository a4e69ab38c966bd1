/** Inputs the chat page needs; plain strings so the markup can be tested without VS Code. */
export interface WebviewHtmlInput {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

/**
 * The chat page shell. The CSP allows only our bundled script (by nonce) and style, and
 * images from data:/our own resources: model output rendered in the page can never load
 * anything remote or run inline script.
 */
export function chatWebviewHtml({ cspSource, nonce, scriptUri, styleUri }: WebviewHtmlInput): string {
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `media-src ${cspSource} data: blob:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${styleUri}">
<title>Gemma Agent</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}

/** A CSP nonce: 32 random base64 characters, fresh for every page. */
export function makeNonce(random: (size: number) => Uint8Array): string {
  return Buffer.from(random(24)).toString('base64');
}
