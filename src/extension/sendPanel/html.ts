/**
 * The panel's HTML. No state is interpolated into it: the webview asks for its state with `ready`
 * and receives it by postMessage. Only URIs the host computed and the nonce go in.
 */
export interface PanelHtmlInputs {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** 128 bits from `crypto.randomBytes`, base64. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconsUri: string;
}

/**
 * `style-src` has no 'unsafe-inline': @vscode-elements/elements 2.x styles its shadow roots with
 * constructable stylesheets (`adoptedStyleSheets`, not governed by CSP) and sets dynamic styles
 * through the CSSOM (`stylePropertyMap`), never through `style` attributes. The webview code
 * follows the same rule (classes and `element.style`, no inline `style=`).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderPanelHtml(inputs: PanelHtmlInputs): string {
  const attr = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(inputs.cspSource, inputs.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${attr(inputs.codiconsUri)}" id="vscode-codicon-stylesheet">
  <link rel="stylesheet" href="${attr(inputs.styleUri)}">
  <title>Send Events</title>
</head>
<body>
  <main id="app" aria-busy="true"><p class="loading">Loading…</p></main>
  <script nonce="${attr(inputs.nonce)}" src="${attr(inputs.scriptUri)}"></script>
</body>
</html>`;
}
