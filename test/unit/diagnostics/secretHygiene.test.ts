import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  APP_SECRET_EXPIRY_NOTE,
  assessSecret,
  DEFAULT_EXPIRY_WARNING_DAYS,
  newestFirst,
  normalizeWarningDays,
  secretStatus,
} from '../../../src/core/diagnostics/secretHygiene';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const at = (days: number): Date => new Date(NOW + days * DAY);

describe('secret hygiene: status', () => {
  it('ok without expiry, and ok when the expiry is beyond the window', () => {
    assert.deepEqual(secretStatus({ enabled: true }, NOW, 30), { kind: 'ok' });
    assert.deepEqual(secretStatus({ enabled: true, expiresOn: at(31) }, NOW, 30), { kind: 'ok' });
  });

  it('expiring soon within the window, counting a part day as a day', () => {
    assert.deepEqual(secretStatus({ enabled: true, expiresOn: at(30) }, NOW, 30), { kind: 'expiringSoon', days: 30 });
    assert.deepEqual(secretStatus({ enabled: true, expiresOn: at(0.25) }, NOW, 30), { kind: 'expiringSoon', days: 1 });
    assert.deepEqual(secretStatus({ enabled: true, expiresOn: at(5) }, NOW, 4), { kind: 'ok' }, 'a smaller window does not warn');
  });

  it('a window of 0 days turns the early warning off, but never hides an expired secret', () => {
    assert.deepEqual(secretStatus({ enabled: true, expiresOn: at(0.5) }, NOW, 0), { kind: 'ok' });
    assert.deepEqual(secretStatus({ enabled: true, expiresOn: at(-0.5) }, NOW, 0), { kind: 'expired', daysAgo: 0 });
  });

  it('expired, exactly at the expiry instant too', () => {
    assert.deepEqual(secretStatus({ enabled: true, expiresOn: at(0) }, NOW, 30), { kind: 'expired', daysAgo: 0 });
    assert.deepEqual(secretStatus({ enabled: true, expiresOn: at(-10.2) }, NOW, 30), { kind: 'expired', daysAgo: 10 });
  });

  it('disabled wins over everything; expired wins over not yet valid', () => {
    assert.deepEqual(secretStatus({ enabled: false, expiresOn: at(-3), notBefore: at(2) }, NOW, 30), { kind: 'disabled' });
    assert.deepEqual(secretStatus({ enabled: true, expiresOn: at(-3), notBefore: at(2) }, NOW, 30), { kind: 'expired', daysAgo: 3 });
    assert.deepEqual(secretStatus({ enabled: true, notBefore: at(2.5), expiresOn: at(10) }, NOW, 30), { kind: 'notYetValid', days: 3 });
  });

  it('an invalid date is ignored rather than treated as expired', () => {
    assert.deepEqual(secretStatus({ enabled: true, expiresOn: new Date(Number.NaN) }, NOW, 30), { kind: 'ok' });
  });
});

describe('secret hygiene: verdicts', () => {
  it('expiring soon: a warning naming the days and the date, with the rotation fix for the client secret', () => {
    const v = assessSecret({ enabled: true, expiresOn: at(12) }, { now: NOW, warningDays: 30, role: 'clientSecret', name: 'pipeline-client-secret' });
    assert.equal(v.severity, 'warning');
    assert.equal(v.message, `Expires in 12 days (${at(12).toISOString().slice(0, 10)})`);
    assert.match(v.fix ?? '', /^rotate: create a new client secret for the app/);
    assert.match(v.fix ?? '', /new version of pipeline-client-secret/);
    assert.match(v.fix ?? '', /the pipeline reads the latest version/);
  });

  it('expired: an error; for a pinned version the fix says to re-point the profile and the pipeline', () => {
    const v = assessSecret({ enabled: true, expiresOn: at(-1) }, { now: NOW, warningDays: 30, role: 'clientId', name: 'pipeline-client-id', pinnedVersion: 'a'.repeat(32) });
    assert.equal(v.severity, 'error');
    assert.equal(v.message, `Expired 1 day ago (${at(-1).toISOString().slice(0, 10)})`);
    assert.match(v.fix ?? '', /same client id as a new version/);
    assert.match(v.fix ?? '', /point the profile \(and the pipeline's secret URI\) at the new version/);
  });

  it('a pinned, disabled version points at a newer usable version when the list has one', () => {
    const old = { version: 'a'.repeat(32), enabled: false, createdOn: at(-100) };
    const newer = { version: 'b'.repeat(32), enabled: true, createdOn: at(-5), expiresOn: at(200) };
    const expiredNewer = { version: 'c'.repeat(32), enabled: true, createdOn: at(-50), expiresOn: at(-1) };
    const v = assessSecret(old, { now: NOW, warningDays: 30, role: 'clientSecret', pinnedVersion: old.version, versions: [old, expiredNewer, newer] });
    assert.equal(v.status.kind, 'disabled');
    assert.match(v.message, /SecretDisabled/);
    assert.match(v.fix ?? '', /pin the newer usable version bbbbbbbb…/);
    const none = assessSecret(old, { now: NOW, warningDays: 30, pinnedVersion: old.version, versions: [old, expiredNewer] });
    assert.doesNotMatch(none.fix ?? '', /newer usable/);
  });

  it('not yet valid and ok verdicts', () => {
    const later = assessSecret({ enabled: true, notBefore: at(3) }, { now: NOW, warningDays: 30 });
    assert.equal(later.severity, 'error');
    assert.match(later.message, /^Not valid yet: activates in 3 days/);
    const fine = assessSecret({ enabled: true, expiresOn: at(365) }, { now: NOW, warningDays: 30 });
    assert.equal(fine.severity, 'ok');
    assert.equal(fine.fix, undefined);
    assert.equal(assessSecret({ enabled: true }, { now: NOW, warningDays: 30 }).message, 'Enabled, no expiry date');
  });

  it('the app-secret note says Key Vault cannot know the app credential expiry', () => {
    assert.match(APP_SECRET_EXPIRY_NOTE, /Key Vault cannot know/);
    assert.match(APP_SECRET_EXPIRY_NOTE, /AADSTS7000222/);
  });
});

describe('secret hygiene: helpers', () => {
  it('normalizes the warning window (non-numbers and negatives fall back to the default)', () => {
    assert.equal(normalizeWarningDays(7), 7);
    assert.equal(normalizeWarningDays(0), 0);
    assert.equal(normalizeWarningDays(2.9), 2);
    assert.equal(normalizeWarningDays(-1), DEFAULT_EXPIRY_WARNING_DAYS);
    assert.equal(normalizeWarningDays('10'), DEFAULT_EXPIRY_WARNING_DAYS);
    assert.equal(normalizeWarningDays(Number.POSITIVE_INFINITY), DEFAULT_EXPIRY_WARNING_DAYS);
  });

  it('orders versions newest first by creation time', () => {
    const ordered = newestFirst([
      { version: 'old', enabled: true, createdOn: at(-10) },
      { version: 'new', enabled: true, createdOn: at(-1) },
      { version: 'mid', enabled: true, createdOn: at(-5) },
    ]);
    assert.deepEqual(ordered.map((v) => v.version), ['new', 'mid', 'old']);
  });
});
