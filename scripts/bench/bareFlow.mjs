// The bare baseline for issue #8's figures: the pipeline's four calls written as plainly as they
// can be — fetch for Entra ID and Key Vault (both reads at once), then the send — with no
// validation, no explanation, no redaction. REST sends JSON batches of up to 1 MiB with 4 requests
// in flight (more than the CLI's 2, to give the baseline every advantage); AMQP uses one
// EventHubProducerClient kept open, createBatch/tryAdd/sendBatch one batch after another (the
// SDK's documented pattern). Events are made as the CLI's sample template makes them.
// Input: BENCH_CONFIG (JSON). Output: one JSON line { ms, acknowledged, maxRssKb }.
import { randomInt, randomUUID } from 'node:crypto';

const started = performance.now();
const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}');
const { authorityHost, tenantId, clientId, clientSecret, vaultUrl, clientIdSecret, clientSecretSecret, namespace, eventHubName, protocol, count } = config;

async function token(id, secret, resource) {
  const response = await fetch(`${authorityHost}/${tenantId}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret, resource }),
  });
  if (!response.ok) {throw new Error(`token ${response.status}`);}
  return (await response.json()).access_token;
}

async function secretValue(vaultToken, name) {
  const response = await fetch(`${vaultUrl.replace(/\/$/, '')}/secrets/${name}?api-version=7.0`, { headers: { Authorization: `Bearer ${vaultToken}` } });
  if (!response.ok) {throw new Error(`secret ${response.status}`);}
  return (await response.json()).value;
}

const runId = randomUUID();
function eventBody(index) {
  return `{
  "source": "eventstream-flow-cli",
  "runId": "${runId}",
  "eventId": "${randomUUID()}",
  "eventTime": "${new Date().toISOString()}",
  "sequence": ${index},
  "temperature": ${randomInt(15, 31)},
  "message": "Sample event from Eventstream Flow"
}`;
}

const vaultToken = await token(clientId, clientSecret, 'https://vault.azure.net');
const [pipelineId, pipelineSecret] = await Promise.all([secretValue(vaultToken, clientIdSecret), secretValue(vaultToken, clientSecretSecret)]);
const eventHubsToken = await token(pipelineId, pipelineSecret, 'https://eventhubs.azure.net');

let acknowledged = 0;
if (protocol === 'rest') {
  const url = `https://${namespace}/${eventHubName}/messages?timeout=60&api-version=2014-01`;
  const post = async (body, contentType, events) => {
    const response = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${eventHubsToken}`, 'Content-Type': contentType }, body });
    await response.arrayBuffer();
    if (response.status !== 201) {throw new Error(`send ${response.status}`);}
    acknowledged += events;
  };
  if (count === 1) {
    await post(eventBody(0), 'application/atom+xml;type=entry;charset=utf-8', 1);
  } else {
    const inFlight = new Set();
    let parts = [];
    let size = 2;
    const flush = async () => {
      const body = `[${parts.join(',')}]`;
      const events = parts.length;
      parts = [];
      size = 2;
      while (inFlight.size >= 4) {await Promise.race(inFlight);}
      const p = post(body, 'application/vnd.microsoft.servicebus.json', events).finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    for (let i = 0; i < count; i++) {
      const part = JSON.stringify({ Body: eventBody(i) });
      if (size + part.length + 1 > 1_048_576) {await flush();}
      parts.push(part);
      size += part.length + 1;
    }
    if (parts.length > 0) {await flush();}
    await Promise.all(inFlight);
  }
} else {
  const { EventHubProducerClient } = await import('@azure/event-hubs');
  const credential = { getToken: async () => ({ token: eventHubsToken, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const producer = new EventHubProducerClient(namespace, eventHubName, credential);
  let batch = await producer.createBatch();
  for (let i = 0; i < count; i++) {
    const data = { body: Buffer.from(eventBody(i)), contentType: 'application/json' };
    if (!batch.tryAdd(data)) {
      await producer.sendBatch(batch);
      acknowledged += batch.count;
      batch = await producer.createBatch();
      batch.tryAdd(data);
    }
  }
  await producer.sendBatch(batch);
  acknowledged += batch.count;
  await producer.close();
}
console.log(JSON.stringify({ ms: performance.now() - started, acknowledged, maxRssKb: process.resourceUsage().maxRSS }));
process.exit(0);
