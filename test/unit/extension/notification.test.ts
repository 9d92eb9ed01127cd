import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainError } from '../../../src/core/errors/explain';
import { Redactor } from '../../../src/core/logging/redact';
import { notificationFor } from '../../../src/extension/commands/notification';
import { NotSignedInError } from '../../../src/extension/auth/sessionScopes';

void describe('notificationFor', () => {
  void it('gives one redacted line naming the stage, with Show Details, Retry and Open Docs', () => {
    const secret = 'hunter2-super-secret-value';
    const explained = explainError(new Error(`boom\n  ${secret}`), { stage: 'send' });
    const redactor = new Redactor([secret]);
    const tweaked = { ...explained, explanation: { ...explained.explanation, summary: `Failed:\n ${secret}`, docsUrl: 'https://learn.microsoft.com/x' } };
    const n = notificationFor(tweaked, (s) => redactor.redact(s));
    assert.ok(!n.message.includes(secret));
    assert.ok(!n.message.includes('\n'));
    assert.deepEqual(n.actions, ['Show Details', 'Retry', 'Open Docs']);
    assert.match(n.message, /^Send event failed: Failed: /, 'the stage is named, in the words the tree uses');
  });

  void it('offers Sign In when the account is signed out, and no docs button without a safe link', () => {
    const explained = explainError(new NotSignedInError('microsoft'), { stage: 'keyVaultToken' });
    const n = notificationFor({ ...explained, explanation: { ...explained.explanation, docsUrl: 'javascript:alert(1)' } }, (s) => s);
    assert.equal(explained.code, 'NotSignedIn');
    assert.deepEqual(n.actions, ['Sign In', 'Show Details', 'Retry']);
    assert.match(n.message, /^Sign in to a Microsoft account/, 'signing in is not a stage failure');
  });

  void it('says nothing about a stage when the error has none', () => {
    const n = notificationFor(explainError(new Error('boom')), (s) => s);
    assert.doesNotMatch(n.message, / failed: /);
  });
});
