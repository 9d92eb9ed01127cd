/**
 * The send-event panel's message protocol, shared by the host (src/extension/sendPanel) and the
 * webview (src/webview/sendPanel): one import for both, gathered from its five parts. No DOM, Node
 * or vscode imports: both bundles and plain-Node tests load it.
 *
 * Rules of the channel:
 * - The webview posts `ready` first; the host posts nothing before it (and again after every
 *   reload, since the panel does not retain its context while hidden).
 * - Nothing the host posts carries a secret, token, SAS signature or client secret: stage events
 *   are projected to `StageView` (code, summary, cause, fix, docs link) and history is metadata.
 * - The host runs every inbound message through `parseWebviewMessage` and drops what fails.
 */
export * from './sendPanelForm';
export * from './sendPanelMessages';
export * from './sendPanelPipeline';
export * from './sendPanelInbound';
export * from './sendPanelWebviewChecks';
