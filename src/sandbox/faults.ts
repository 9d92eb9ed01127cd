/**
 * Fault injection: the public FaultController and the FaultRegistry the peers consult, in one class.
 */
import type { ActiveFault, FaultProbe, FaultRegistry } from './internal';
import type { FaultController, FaultKind, FaultSpec, Peer } from './types';

/**
 * Kinds each HTTPS peer knows how to answer; Event Hubs decides its own. A data table: the kind names
 * repeat in FAULT_KINDS and FAULTS_BY_STAGE (stageFaults.ts), which state other facts about them.
 */
export const KINDS_BY_PEER: Readonly<Record<Exclude<Peer, 'eventHubs'>, readonly FaultKind[]>> = {
  entra: [
    'invalidClientSecret',
    'expiredClientSecret',
    'unknownClient',
    'unknownTenant',
    'defaultScopeAsResource',
    'wrongAudience',
    'throttled',
    'serviceUnavailable',
    'connectionRefused',
    'connectionReset',
    'timeout',
    'untrustedCertificate',
  ],
  keyVault: [
    'wrongAudience',
    'missingRole',
    'secretNotFound',
    'secretDisabled',
    'tokenFromOtherTenant',
    'blockedByFirewall',
    'secretIdStored',
    'throttled',
    'serviceUnavailable',
    'connectionRefused',
    'connectionReset',
    'timeout',
    'untrustedCertificate',
  ],
  fabric: ['throttled', 'serviceUnavailable', 'connectionRefused', 'connectionReset', 'timeout'],
  arm: ['throttled', 'serviceUnavailable', 'connectionRefused', 'connectionReset', 'timeout'],
};

/** Faults the sandbox applies to a peer's listener rather than to a request: they last until cleared. */
const LISTENER_FAULTS: readonly FaultKind[] = ['connectionRefused', 'untrustedCertificate'];

/** A resource as faults compare it: no `/.default`, no trailing slashes, case-insensitive. */
export function normalizeResource(resource: string): string {
  return resource
    .trim()
    .replace(/\/\.default$/i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

interface Entry {
  readonly id: string;
  readonly spec: FaultSpec;
  hits: number;
}

export class Faults implements FaultController, FaultRegistry {
  private readonly entries: Entry[] = [];
  private readonly listeners: (() => void)[] = [];
  private nextId = 1;

  inject(spec: FaultSpec): string {
    const allowed = spec.peer === 'eventHubs' ? undefined : KINDS_BY_PEER[spec.peer];
    if (allowed && !allowed.includes(spec.kind)) {
      throw new TypeError(`The ${spec.peer} peer has no '${spec.kind}' fault (it knows: ${allowed.join(', ')}).`);
    }
    if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
      throw new TypeError(`times must be a positive integer, got ${spec.times}.`);
    }
    const id = `fault-${this.nextId++}`;
    this.entries.push({ id, spec: { ...spec, match: spec.match ? { ...spec.match } : undefined }, hits: 0 });
    this.emit();
    return id;
  }

  clear(id?: string): void {
    if (id === undefined) {
      this.entries.splice(0);
    } else {
      const index = this.entries.findIndex((entry) => entry.id === id);
      if (index < 0) {
        return;
      }
      this.entries.splice(index, 1);
    }
    this.emit();
  }

  active(): readonly (FaultSpec & { readonly id: string; readonly hits: number })[] {
    return this.entries.map((entry) => ({ ...entry.spec, id: entry.id, hits: entry.hits }));
  }

  take(peer: Peer, probe: FaultProbe, kinds?: readonly FaultKind[]): ActiveFault | undefined {
    const entry = this.entries.find(
      (candidate) =>
        candidate.spec.peer === peer &&
        !LISTENER_FAULTS.includes(candidate.spec.kind) &&
        (kinds === undefined || kinds.includes(candidate.spec.kind)) &&
        matches(candidate.spec, probe),
    );
    if (!entry) {
      return undefined;
    }
    entry.hits++;
    if (entry.spec.times !== undefined && entry.hits >= entry.spec.times) {
      this.entries.splice(this.entries.indexOf(entry), 1);
      this.emit();
    }
    return { id: entry.id, kind: entry.spec.kind, spec: entry.spec };
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Whether a connectionRefused fault is active for `peer` (it lasts until cleared; `times` does not apply). */
  isRefusing(peer: Peer): boolean {
    return this.entries.some((entry) => entry.spec.peer === peer && entry.spec.kind === 'connectionRefused');
  }

  /** Whether an untrustedCertificate fault is active for `peer` (it lasts until cleared; `times` does not apply). */
  isUntrusted(peer: Peer): boolean {
    return this.entries.some((entry) => entry.spec.peer === peer && entry.spec.kind === 'untrustedCertificate');
  }

  private emit(): void {
    for (const listener of this.listeners) {
      listener();
    }
  }
}

function matches(spec: FaultSpec, probe: FaultProbe): boolean {
  const match = spec.match;
  if (!match) {
    return true;
  }
  if (match.clientId !== undefined && match.clientId.toLowerCase() !== probe.clientId?.toLowerCase()) {
    return false;
  }
  if (match.resource !== undefined && (probe.resource === undefined || normalizeResource(match.resource) !== normalizeResource(probe.resource))) {
    return false;
  }
  if (match.secretName !== undefined && match.secretName.toLowerCase() !== probe.secretName?.toLowerCase()) {
    return false;
  }
  if (match.protocol !== undefined && match.protocol !== probe.protocol) {
    return false;
  }
  return true;
}
