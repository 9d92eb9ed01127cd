import * as vscode from 'vscode';
import { parseNoProxy, proxyFromEnvironment, proxySecrets, type ProxySettings } from '../core/azure/proxy';
import type { Redactor } from '../core/logging/redact';

/**
 * The proxy the flow uses in the editor: VS Code's own `http.proxy` (with `http.noProxy` and
 * `http.proxyStrictSSL`), else the environment's HTTPS_PROXY / NO_PROXY, as VS Code does itself.
 * `http.proxySupport: off` means no proxy for extensions. Read on every run, so a changed setting
 * applies to the next run; the credentials in the URL are registered with the redactor.
 */
export function readProxySettings(redactor: Redactor, env: NodeJS.ProcessEnv = process.env): ProxySettings | undefined {
  const http = vscode.workspace.getConfiguration('http');
  if (http.get<string>('proxySupport') === 'off') {
    return undefined;
  }
  const configured = http.get<string>('proxy')?.trim();
  const noProxy = (http.get<unknown>('noProxy') ?? []) as unknown;
  const extraNoProxy = Array.isArray(noProxy) ? parseNoProxy(noProxy.filter((e): e is string => typeof e === 'string').join(',')) : [];
  let proxy: ProxySettings | undefined;
  if (configured) {
    // VS Code accepts "host:port" too.
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(configured) ? configured : `http://${configured}`;
    proxy = { url, source: 'http.proxy', ...(extraNoProxy.length > 0 ? { noProxy: extraNoProxy } : {}) };
  } else {
    const fromEnv = proxyFromEnvironment(env);
    proxy = fromEnv ? { ...fromEnv, noProxy: [...(fromEnv.noProxy ?? []), ...extraNoProxy] } : undefined;
  }
  if (!proxy) {
    return undefined;
  }
  for (const secret of proxySecrets(proxy)) {
    redactor.add(secret);
  }
  return http.get<boolean>('proxyStrictSSL', true) === false ? { ...proxy, strictSsl: false } : proxy;
}

/**
 * Whether the flow's https requests reach the network as written. Unless `http.proxySupport` is
 * `off`, VS Code's proxy support replaces the agent of requests to remote hosts (a system or PAC
 * proxy the extension cannot see), so connections opened ahead of them would go unused, or around
 * that proxy.
 */
export function requestsGoDirect(): boolean {
  return vscode.workspace.getConfiguration('http').get<string>('proxySupport') === 'off';
}

/** Settings whose change alters the proxy in use. */
export function affectsProxy(event: vscode.ConfigurationChangeEvent): boolean {
  return ['http.proxy', 'http.noProxy', 'http.proxyStrictSSL', 'http.proxySupport'].some((key) => event.affectsConfiguration(key));
}
