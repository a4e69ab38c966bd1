/**
 * Small stroke icons drawn in currentColor, so they follow the theme. The webview has no
 * codicon font (the CSP loads nothing remote and we ship no font), and these are a few
 * hundred bytes.
 */
const paths = {
  send: 'M2 2.5 14 8 2 13.5 4 8zM4 8h5',
  stop: 'M4.5 4.5h7v7h-7z',
  mic: 'M8 1.5a2 2 0 0 0-2 2V8a2 2 0 0 0 4 0V3.5a2 2 0 0 0-2-2zM4 7.5a4 4 0 0 0 8 0M8 11.5v3M5.5 14.5h5',
  image: 'M2 3h12v10H2zM2 11l3.5-3.5 3 3 2-2L14 12M10.5 6.5h.01',
  selection: 'M3 3.5h10M3 6.5h6M3 9.5h10M3 12.5h6M12 5v4',
  file: 'M4 1.5h5l3 3v10H4zM9 1.5v3h3',
  history: 'M2.5 8a5.5 5.5 0 1 0 1.6-3.9M2.5 2v2.5H5M8 5v3.2l2 1.3',
  plus: 'M8 3v10M3 8h10',
  close: 'M4 4l8 8M12 4l-8 8',
  copy: 'M5.5 5.5h8v8h-8zM10.5 5.5v-3h-8v8h3',
  insert: 'M8 2v7M5 6l3 3 3-3M3 12.5h10',
  apply: 'M4 1.5h5l3 3v10H4zM9 1.5v3h3M6 10l1.5 1.5L10.5 8.5',
  diff: 'M5 2v6M2 5h6M9 12.5h5M11.5 1.5v9',
  check: 'M3 8.5l3 3 7-7',
  cross: 'M4 4l8 8M12 4l-8 8',
  chevron: 'M6 4l4 4-4 4',
  retry: 'M13.5 8A5.5 5.5 0 1 1 11.9 4.1M13.5 2v2.5H11',
  spinner: 'M8 1.5a6.5 6.5 0 1 0 6.5 6.5',
} as const;

export type IconName = keyof typeof paths;

const SVG = 'http://www.w3.org/2000/svg';

export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.classList.add('icon', `icon-${name}`);
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', paths[name]);
  svg.append(path);
  return svg;
}

/** A button showing an icon, named for screen readers and with the same words as tooltip. */
export function iconButton(className: string, name: IconName, label: string, onClick: (event: MouseEvent) => void, text?: string): HTMLButtonElement {
  const node = document.createElement('button');
  node.type = 'button';
  node.className = `icon-button ${className}`;
  node.title = label;
  node.setAttribute('aria-label', label);
  node.append(icon(name));
  if (text) {
    const span = document.createElement('span');
    span.className = 'icon-button-text';
    span.textContent = text;
    node.append(span);
  }
  node.addEventListener('click', onClick);
  return node;
}
