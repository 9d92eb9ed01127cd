// The explanation table's network, TLS, HTTP proxy and HTTP-client-limit entries (any stage).
// Declarative data: one entry a code, read only through explanations/table.ts.
import type { ExplanationEntry } from './entry';
import { DOCS } from './docs';

/** DNS: the host of the stage that failed, and where to correct it (ENOTFOUND and EAI_AGAIN alike). */
const DNS_FIX_BY_STAGE: ExplanationEntry['byStage'] = {
  keyVaultToken: { fix: "Check the profile's cloud and authority host: the login host could not be resolved." },
  readClientId: { fix: 'Check the vault URL (https://<vault>.vault.azure.net for public Azure) and the profile cloud.' },
  readClientSecret: { fix: 'Check the vault URL (https://<vault>.vault.azure.net for public Azure) and the profile cloud.' },
  eventHubsToken: { fix: "Check the profile's cloud and authority host: the login host could not be resolved." },
  send: { fix: 'Check the namespace (eventstream-xxxxxxxx.servicebus.windows.net for Fabric) and the profile cloud.' },
  probe: { fix: 'Check the namespace (eventstream-xxxxxxxx.servicebus.windows.net for Fabric) and the profile cloud.' },
};

export const NETWORK_EXPLANATIONS: Readonly<Record<string, ExplanationEntry>> = {
  ECONNREFUSED: {
    summary: 'The connection was refused.',
    cause: 'Nothing is listening at that host and port: a stopped local sandbox, a wrong port, or a proxy.',
    fix: 'Check the host and port; for the local sandbox, start it and use the address it prints.',
    docsUrl: DOCS.nodeErrors,
  },
  ENOTFOUND: {
    summary: 'The host name does not exist (DNS).',
    cause: 'DNS has no record for the host: a typo in the vault or namespace name, or the wrong cloud suffix (e.g. .vault.azure.net vs .vault.azure.cn).',
    fix: 'Check the host name and the profile cloud.',
    docsUrl: DOCS.nodeErrors,
    byStage: DNS_FIX_BY_STAGE,
  },
  EAI_AGAIN: {
    summary: 'The host name could not be resolved (DNS).',
    cause:
      'No DNS answer for the host: the DNS server was unreachable (offline, VPN or proxy), or it could not resolve the name, which also happens for a typo in the vault or namespace name or the wrong cloud suffix.',
    fix: 'Check the host name and the profile cloud, then the network connection and DNS, and retry.',
    docsUrl: DOCS.nodeErrors,
    byStage: DNS_FIX_BY_STAGE,
  },
  ECONNRESET: {
    summary: 'The connection was reset.',
    cause: 'The server, a proxy or a firewall closed the connection abruptly (TLS inspection often does this).',
    fix: 'Retry; if it repeats, check proxies and firewalls between this machine and Azure.',
    docsUrl: DOCS.nodeErrors,
  },
  ETIMEDOUT: {
    summary: 'The connection timed out.',
    cause: 'The host did not answer: a firewall drops the traffic or the network is unreachable.',
    fix: 'Check outbound HTTPS (443) and AMQP (5671) access, proxies and VPN, then retry.',
    docsUrl: DOCS.nodeErrors,
  },
  TlsCertificateError: {
    summary: "The server's TLS certificate is not trusted.",
    cause: 'The certificate chain does not lead to a trusted CA: the local sandbox\'s self-signed CA, or a corporate TLS-inspecting proxy.',
    fix: "For the local sandbox, trust its CA (the profile's trusted CA, or NODE_EXTRA_CA_CERTS=<sandbox ca.pem>). For a corporate proxy, add its root CA the same way. Never disable certificate checks.",
    docsUrl: DOCS.nodeExtraCa,
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    summary: "The server's certificate does not match the host name.",
    cause: 'The host you connect to is not among the names in its certificate: a wrong host, an IP address, or a proxy.',
    fix: 'Connect with the host name the certificate was issued for (e.g. localhost for the sandbox, not 127.0.0.1).',
    docsUrl: DOCS.nodeErrors,
  },
  // --- HTTP proxy (the core's CONNECT tunnel, src/core/azure/proxy.ts) ----------------------------
  ProxyAuthenticationRequired: {
    summary: 'The HTTP proxy asked for credentials (407 Proxy Authentication Required).',
    cause: 'The proxy in use (HTTPS_PROXY, or VS Code\'s http.proxy) requires authentication, and none or wrong credentials were given.',
    fix: 'Put the proxy credentials in the proxy URL (http://user:password@proxy:port), or ask your administrator which proxy and account to use.',
    docsUrl: 'https://code.visualstudio.com/docs/setup/network#_proxy-server-support',
  },
  ProxyConnectFailed: {
    summary: 'The HTTP proxy could not open a tunnel to the host (CONNECT refused).',
    cause: 'The proxy answered CONNECT with an error (502 Bad Gateway: it cannot reach or resolve the host; 403: its policy blocks the host or port).',
    fix: 'Check the host name, and ask your administrator to allow it through the proxy on port 443; or exclude the host with NO_PROXY / http.noProxy if it is reachable directly.',
    docsUrl: 'https://code.visualstudio.com/docs/setup/network#_proxy-server-support',
  },
  ProxyUnreachable: {
    summary: 'The HTTP proxy could not be reached.',
    cause: 'Nothing answered at the proxy address (refused, reset or timed out): a wrong proxy URL or port, or a proxy that is down.',
    fix: 'Check the proxy URL in HTTPS_PROXY (CLI) or http.proxy (VS Code settings), or remove it if this network needs no proxy.',
    docsUrl: 'https://code.visualstudio.com/docs/setup/network#_proxy-server-support',
  },
  AmqpTcpUnreachable: {
    summary: 'AMQP over TCP (port 5671) could not connect.',
    cause: 'The connection to port 5671 was refused, reset or timed out: firewalls and proxies often block outbound 5671. The profile pins the TCP transport, so WebSockets on 443 was not tried.',
    fix: "Set the profile's AMQP transport to WebSockets (port 443), or leave it unset to fall back automatically; or ask for outbound TCP 5671 to *.servicebus.windows.net to be opened.",
    docsUrl: DOCS.ehTroubleshoot,
  },
  // --- The core HTTP client's own limits (src/core/azure/http.ts) ---------------------------------
  UnexpectedRedirect: {
    summary: 'The service answered with a redirect, which was not followed.',
    cause:
      "An HTTP 3xx came back instead of the service's answer: a wrong host or cloud in the profile, a captive portal, or a proxy or gateway rewriting requests. Following it would hand the token, SAS or client secret to another host.",
    fix: 'Check the hosts in the profile (authority host, vault URL, namespace) and its cloud, and any proxy between this machine and Azure, then retry.',
    docsUrl: DOCS.nodeErrors,
    byDetail: [{ detail: 'location', summary: 'The service redirected to {location}; the redirect was not followed.' }],
  },
  ResponseTooLarge: {
    summary: 'The service answered with far more data than expected; the answer was not read.',
    cause:
      'The answer exceeded the size limit for this request (4 MiB by default) and the connection was closed. Token, secret and send answers are a few KiB: a larger one comes from something else answering, such as a proxy, a captive portal or a wrong host.',
    fix: 'Check the hosts in the profile and any proxy between this machine and Azure, then retry.',
    docsUrl: DOCS.nodeErrors,
  },
  NetworkError: {
    summary: 'A network error occurred.',
    cause: 'The connection failed before the service answered.',
    fix: 'Check the host name, network access and proxies, then retry.',
    docsUrl: DOCS.nodeErrors,
  },
};
