import type { SendPanelState, WebviewMessage } from '../../shared/sendPanelProtocol';

/** What `acquireVsCodeApi()` returns; typed to this panel's messages and state. */
interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: SendPanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** May be called only once per webview load. */
export const vscode: VsCodeApi = acquireVsCodeApi();
