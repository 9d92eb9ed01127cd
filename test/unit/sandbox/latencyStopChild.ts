// Run by eventHubsLatency.test.ts in a child process: a sandbox with a long latency, a REST request
// (held in its TLS handshake) and an AMQP connection waiting on it, then stop(). Prints what was still keeping the process
// alive; the parent also checks that the process exits by itself.
import { connect } from 'node:net';
import { startSandbox } from '../../../src/sandbox/index';

async function main(): Promise<void> {
  const sandbox = await startSandbox({ latencyMs: 60_000 });
  const before = process.getActiveResourcesInfo();
  const rest = fetch(`https://${sandbox.urls.namespace}/${sandbox.world.eventHubName}/messages`, { method: 'POST', body: 'x' }).then(
    (res) => `answered ${res.status}`,
    () => 'dropped',
  );
  // AMQP on the emulator port: the protocol header, then the peer holds the open for the latency.
  const socket = connect(Number(sandbox.urls.emulatorNamespace.split(':').pop()), '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x00, 0x01, 0x00, 0x00]));
  // Wait until both wait on the peer's timers (one per pending step).
  const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const baseline = before.filter((r) => r === 'Timeout').length;
  for (let i = 0; i < 500 && timers() < baseline + 2; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const pending = timers() - baseline;
  await sandbox.stop();
  const outcome = await rest;
  socket.destroy();
  await new Promise((resolve) => setImmediate(resolve));
  process.stdout.write(JSON.stringify({ pending, rest: outcome, after: process.getActiveResourcesInfo() }) + '\n');
}

void main();
