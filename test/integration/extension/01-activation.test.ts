// Activation: the extension is present, activates, returns its test API, and loads no Azure SDK,
// AMQP library or sandbox while doing so (those are separate bundles required on first use).
import * as assert from 'node:assert/strict';
import Module from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extension, getApi, writeArtifact } from './helpers';

/** The lazily required bundles esbuild.mjs writes next to dist/extension.js. */
const LAZY = /[\\/]dist[\\/](vendor[\\/][^\\/]+\.js|sandbox\.js)$/;

function lazyBundlesInCache(): string[] {
  return Object.keys(require.cache).filter((k) => LAZY.test(k));
}

describe('activation', () => {
  it('is the extension under development and activates without loading Azure SDKs, ws or the sandbox', async () => {
    const ext = extension();
    assert.equal((ext.packageJSON as { name: string }).name, 'eventstream-flow');
    const required: string[] = [];
    const proto = Module.prototype as unknown as { require: (id: string) => unknown };
    const original = proto.require;
    proto.require = function (this: unknown, id: string) {
      required.push(id);
      return original.call(this, id);
    };
    const wasActive = ext.isActive;
    const started = Date.now();
    try {
      await ext.activate();
    } finally {
      proto.require = original;
    }
    writeArtifact('activation-requires.json', JSON.stringify({ wasActive, ms: Date.now() - started, required }, null, 2));
    assert.ok(ext.isActive, 'active after activate()');
    // Whether or not something activated it first, the lazily loaded bundles must not be in the cache yet.
    assert.deepEqual(lazyBundlesInCache(), [], 'no dist/vendor/*.js or dist/sandbox.js in require.cache after activation');
    if (!wasActive) {
      const lazy = required.filter((id) => /vendor\/|sandbox\.js|@azure\/|^rhea|^ws$|bufferutil|utf-8-validate/.test(id));
      assert.deepEqual(lazy, [], `activation required: ${required.join(', ')}`);
    }
    // The main bundle itself is what the manifest names.
    const main = path.join(ext.extensionPath, 'dist', 'extension.js');
    assert.ok(require.cache[main], `${main} is loaded`);
  });

  it('returns the test API: services, the tree provider and scripted input', async () => {
    const api = await getApi();
    for (const key of ['context', 'log', 'logger', 'redactor', 'profiles', 'results', 'flows', 'sandbox', 'account', 'input', 'tree'] as const) {
      assert.ok(api.services[key], `services.${key}`);
    }
    assert.equal(typeof api.tree.getChildren, 'function');
    assert.equal(typeof api.testing.useUserInput, 'function');
    assert.equal(api.services.context.extensionMode, vscode.ExtensionMode.Test, 'runs in ExtensionMode.Test (the wizard then routes through services.input)');
    assert.equal(api.services.sandbox.current, undefined, 'the sandbox does not start by itself');
  });

  it('the lazy bundles do load on first use (the detector above can fail)', async () => {
    const api = await getApi();
    // Listing nothing but starting the sandbox needs dist/sandbox.js.
    await vscode.commands.executeCommand('eventstreamFlow.startSandbox');
    assert.ok(api.services.sandbox.current, 'sandbox started');
    assert.ok(
      lazyBundlesInCache().some((k) => k.endsWith('sandbox.js')),
      `dist/sandbox.js is in require.cache after starting the sandbox: ${lazyBundlesInCache().join(', ')}`,
    );
  });
});
