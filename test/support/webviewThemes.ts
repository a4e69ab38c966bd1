/**
 * A subset of the CSS variables VS Code gives a webview, with the values of its Dark
 * Modern, Light Modern and High Contrast themes, so the chat page can be looked at outside
 * VS Code. Only variables the page uses are listed.
 */
export type ThemeName = 'dark' | 'light' | 'high-contrast';

const shared = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"DejaVu Sans Mono", "Droid Sans Mono", monospace',
  '--vscode-editor-font-size': '12px',
};

export const themes: Record<ThemeName, { bodyClass: string; vars: Record<string, string> }> = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      ...shared,
      '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-errorForeground': '#f85149',
      '--vscode-focusBorder': '#0078d4', '--vscode-sideBar-background': '#181818', '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc', '--vscode-editorWidget-background': '#202020', '--vscode-editorWidget-border': '#454545',
      '--vscode-widget-border': '#313131', '--vscode-widget-shadow': 'rgba(0,0,0,0.36)', '--vscode-panel-border': '#2b2b2b',
      '--vscode-input-background': '#313131', '--vscode-input-foreground': '#cccccc', '--vscode-input-border': '#3c3c3c',
      '--vscode-input-placeholderForeground': '#989898', '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#026ec1', '--vscode-button-border': 'rgba(255,255,255,0.07)',
      '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c', '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8',
      '--vscode-textLink-foreground': '#4daafc', '--vscode-textLink-activeForeground': '#4daafc', '--vscode-textPreformat-foreground': '#d0d0d0',
      '--vscode-textPreformat-background': '#3c3c3c', '--vscode-textCodeBlock-background': '#2b2b2b', '--vscode-textBlockQuote-background': '#2b2b2b',
      '--vscode-textBlockQuote-border': '#616161', '--vscode-textSeparator-foreground': 'rgba(255,255,255,0.18)',
      '--vscode-toolbar-hoverBackground': 'rgba(90,93,94,0.31)', '--vscode-icon-foreground': '#cccccc', '--vscode-list-hoverBackground': '#2a2d2e',
      '--vscode-list-activeSelectionBackground': '#04395e', '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-inactiveSelectionBackground': '#37373d', '--vscode-quickInput-background': '#222222', '--vscode-quickInput-foreground': '#cccccc',
      '--vscode-editorSuggestWidget-background': '#202020', '--vscode-editorSuggestWidget-border': '#454545',
      '--vscode-editorSuggestWidget-foreground': '#d4d4d4', '--vscode-editorSuggestWidget-selectedBackground': '#04395e',
      '--vscode-editorSuggestWidget-selectedForeground': '#ffffff', '--vscode-inputValidation-errorBackground': '#5a1d1d',
      '--vscode-inputValidation-errorBorder': '#be1100', '--vscode-inputValidation-warningBackground': '#352a05',
      '--vscode-inputValidation-warningBorder': '#b89500', '--vscode-inputValidation-infoBackground': '#063b49',
      '--vscode-inputValidation-infoBorder': '#007acc', '--vscode-editorWarning-foreground': '#cca700', '--vscode-testing-iconPassed': '#73c991',
      '--vscode-charts-green': '#89d185', '--vscode-progressBar-background': '#0078d4',
      '--vscode-diffEditor-insertedLineBackground': 'rgba(155,185,85,0.2)', '--vscode-diffEditor-removedLineBackground': 'rgba(255,0,0,0.2)',
      '--vscode-gitDecoration-addedResourceForeground': '#81b88b', '--vscode-gitDecoration-deletedResourceForeground': '#c74e39',
      '--vscode-debugTokenExpression-name': '#c586c0', '--vscode-debugTokenExpression-string': '#ce9178',
      '--vscode-debugTokenExpression-number': '#b5cea8', '--vscode-debugTokenExpression-boolean': '#4e94ce',
      '--vscode-symbolIcon-functionForeground': '#b180d7', '--vscode-symbolIcon-classForeground': '#ee9d28',
      '--vscode-symbolIcon-variableForeground': '#75beff', '--vscode-symbolIcon-keywordForeground': '#cccccc', '--vscode-terminal-foreground': '#cccccc',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      ...shared,
      '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#717171', '--vscode-errorForeground': '#e51400',
      '--vscode-focusBorder': '#005fb8', '--vscode-sideBar-background': '#f8f8f8', '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#3b3b3b', '--vscode-editorWidget-background': '#f8f8f8', '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-widget-border': '#e5e5e5', '--vscode-widget-shadow': 'rgba(0,0,0,0.16)', '--vscode-panel-border': '#e5e5e5',
      '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#3b3b3b', '--vscode-input-border': '#cecece',
      '--vscode-input-placeholderForeground': '#767676', '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#0258a8', '--vscode-button-border': 'rgba(0,0,0,0.1)',
      '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc', '--vscode-badge-background': '#cccccc', '--vscode-badge-foreground': '#3b3b3b',
      '--vscode-textLink-foreground': '#005fb8', '--vscode-textLink-activeForeground': '#005fb8', '--vscode-textPreformat-foreground': '#3b3b3b',
      '--vscode-textPreformat-background': 'rgba(0,0,0,0.12)', '--vscode-textCodeBlock-background': '#f2f2f2',
      '--vscode-textBlockQuote-background': '#f8f8f8', '--vscode-textBlockQuote-border': '#e5e5e5',
      '--vscode-textSeparator-foreground': 'rgba(0,0,0,0.18)', '--vscode-toolbar-hoverBackground': 'rgba(184,184,184,0.31)',
      '--vscode-icon-foreground': '#424242', '--vscode-list-hoverBackground': '#f2f2f2', '--vscode-list-activeSelectionBackground': '#e8e8e8',
      '--vscode-list-activeSelectionForeground': '#000000', '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
      '--vscode-quickInput-background': '#f8f8f8', '--vscode-quickInput-foreground': '#3b3b3b',
      '--vscode-editorSuggestWidget-background': '#f8f8f8', '--vscode-editorSuggestWidget-border': '#c8c8c8',
      '--vscode-editorSuggestWidget-foreground': '#3b3b3b', '--vscode-editorSuggestWidget-selectedBackground': '#e8e8e8',
      '--vscode-editorSuggestWidget-selectedForeground': '#000000', '--vscode-inputValidation-errorBackground': '#f2dede',
      '--vscode-inputValidation-errorBorder': '#be1100', '--vscode-inputValidation-warningBackground': '#f6f5d2',
      '--vscode-inputValidation-warningBorder': '#b89500', '--vscode-inputValidation-infoBackground': '#d6ecf2',
      '--vscode-inputValidation-infoBorder': '#007acc', '--vscode-editorWarning-foreground': '#bf8803', '--vscode-testing-iconPassed': '#388a34',
      '--vscode-charts-green': '#388a34', '--vscode-progressBar-background': '#005fb8',
      '--vscode-diffEditor-insertedLineBackground': 'rgba(155,185,85,0.2)', '--vscode-diffEditor-removedLineBackground': 'rgba(255,0,0,0.2)',
      '--vscode-gitDecoration-addedResourceForeground': '#587c0c', '--vscode-gitDecoration-deletedResourceForeground': '#ad0707',
      '--vscode-debugTokenExpression-name': '#9b46b0', '--vscode-debugTokenExpression-string': '#a31515',
      '--vscode-debugTokenExpression-number': '#098658', '--vscode-debugTokenExpression-boolean': '#0000ff',
      '--vscode-symbolIcon-functionForeground': '#652d90', '--vscode-symbolIcon-classForeground': '#d67e00',
      '--vscode-symbolIcon-variableForeground': '#007acc', '--vscode-symbolIcon-keywordForeground': '#3b3b3b', '--vscode-terminal-foreground': '#3b3b3b',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      ...shared,
      '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-foreground': '#ffffff', '--vscode-descriptionForeground': 'rgba(255,255,255,0.7)', '--vscode-errorForeground': '#f48771',
      '--vscode-focusBorder': '#f38518', '--vscode-sideBar-background': '#000000', '--vscode-editor-background': '#000000',
      '--vscode-editor-foreground': '#ffffff', '--vscode-editorWidget-background': '#0c141f', '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-input-background': '#000000', '--vscode-input-foreground': '#ffffff', '--vscode-input-border': '#6fc3df',
      '--vscode-input-placeholderForeground': 'rgba(255,255,255,0.7)', '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#6fc3df', '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff', '--vscode-badge-background': '#000000', '--vscode-badge-foreground': '#ffffff',
      '--vscode-textLink-foreground': '#21a6ff', '--vscode-textLink-activeForeground': '#21a6ff', '--vscode-textPreformat-foreground': '#ffffff',
      '--vscode-textCodeBlock-background': '#000000', '--vscode-textBlockQuote-background': '#000000', '--vscode-textBlockQuote-border': '#ffffff',
      '--vscode-icon-foreground': '#ffffff', '--vscode-list-activeSelectionBackground': '#000000', '--vscode-quickInput-background': '#000000',
      '--vscode-editorSuggestWidget-background': '#0c141f', '--vscode-editorSuggestWidget-border': '#6fc3df',
      '--vscode-editorSuggestWidget-foreground': '#ffffff', '--vscode-inputValidation-errorBackground': '#000000',
      '--vscode-inputValidation-errorBorder': '#6fc3df', '--vscode-inputValidation-warningBackground': '#000000',
      '--vscode-inputValidation-warningBorder': '#6fc3df', '--vscode-inputValidation-infoBackground': '#000000',
      '--vscode-inputValidation-infoBorder': '#6fc3df', '--vscode-editorWarning-foreground': '#fff000', '--vscode-testing-iconPassed': '#73c991',
      '--vscode-progressBar-background': '#6fc3df', '--vscode-diffEditor-insertedTextBorder': '#33ff2e', '--vscode-diffEditor-removedTextBorder': '#ff008f',
      '--vscode-gitDecoration-addedResourceForeground': '#a1e3ad', '--vscode-gitDecoration-deletedResourceForeground': '#c74e39',
      '--vscode-debugTokenExpression-name': '#ffffff', '--vscode-debugTokenExpression-string': '#ce9178',
      '--vscode-debugTokenExpression-number': '#b5cea8', '--vscode-debugTokenExpression-boolean': '#75bdfe',
      '--vscode-symbolIcon-functionForeground': '#ffffff', '--vscode-symbolIcon-classForeground': '#ffffff',
      '--vscode-symbolIcon-variableForeground': '#ffffff', '--vscode-terminal-foreground': '#ffffff',
    },
  },
};

/** The default styles VS Code puts in every webview before the page's own. */
export const webviewDefaults = `
body { background-color: transparent; color: var(--vscode-editor-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); margin: 0; padding: 0 20px; }
img, video { max-width: 100%; max-height: 100%; }
a, a code { color: var(--vscode-textLink-foreground); }
code { font-family: var(--vscode-editor-font-family); color: var(--vscode-textPreformat-foreground); background-color: var(--vscode-textPreformat-background); padding: 1px 3px; border-radius: 4px; }
pre code { padding: 0; }
blockquote { background: var(--vscode-textBlockQuote-background); border-color: var(--vscode-textBlockQuote-border); }
::-webkit-scrollbar { width: 10px; height: 10px; }
::-webkit-scrollbar-thumb { background-color: rgba(121,121,121,0.4); }
`;
