import type * as vscode from 'vscode';
import type { ReadBackRequest, RoundTripResult } from '../core/flow/roundTrip';
import type { FlowEvent, FlowResult, SendRequest, StageId, StageOutcome, TokenProvider } from '../core/flow/types';
import type { Logger } from '../core/logging/logger';
import type { Redactor } from '../core/logging/redact';
import type { ConnectionProfile } from '../core/model/profile';
import type { Sandbox } from '../sandbox/types';

/**
 * The composition root builds one of these in `activate` and passes it down: no global state.
 * Each part is an interface so commands and tests can be written against it.
 */
export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** Core logger over `log`; redacts through `redactor`. */
  readonly logger: Logger;
  /** Session-wide: knows every secret the extension has seen, so nothing logs one. */
  readonly redactor: Redactor;
  readonly profiles: ProfileStore;
  readonly results: StageResults;
  readonly flows: FlowRunner;
  readonly sandbox: SandboxManager;
  readonly account: SignedInAccount;
  readonly input: UserInput;
  readonly tree: { refresh(node?: unknown): void };
}

/** Profiles, whole, in SecretStorage (`SECRET_KEYS`); `onDidChange` also fires for other windows' edits. */
export interface ProfileStore {
  list(): Promise<readonly ProfileSummary[]>;
  get(id: string): Promise<ConnectionProfile | undefined>;
  /** Validates, then stores (insert or replace by id). Throws ValidationError. */
  save(profile: ConnectionProfile): Promise<void>;
  delete(id: string): Promise<void>;
  /** Deletes every profile and index entry this extension stored. */
  clear(): Promise<void>;
  readonly onDidChange: vscode.Event<void>;
}

/** What a tree or picker may show without loading secrets. Names are not secret, but live in SecretStorage too. */
export interface ProfileSummary {
  readonly id: string;
  readonly name: string;
}

/** The last result of each stage per profile (memory only: results never persist). */
export interface StageResults {
  get(profileId: string, stage: StageId): StageOutcome | undefined;
  /** The last full-flow result of a profile. */
  lastFlow(profileId: string): FlowResult | undefined;
  readonly onDidChange: vscode.Event<{ profileId: string; stage?: StageId }>;
}

export interface FlowRunOptions {
  readonly target: StageId;
  readonly send?: SendRequest;
  /** Cancels the run (the progress notification's Cancel button feeds this too). */
  readonly token?: vscode.CancellationToken;
  readonly onEvent?: (event: FlowEvent) => void;
  /** Show a cancellable progress notification (default true); the panel shows its own timeline. */
  readonly showProgress?: boolean;
  /** With `target: 'send'`: read the sent event back afterwards (the result's `readBack`). */
  readonly readBack?: ReadBackRequest;
}

/**
 * Runs the core flow for a profile with the editor's services: timeouts from settings, the
 * session token cache, the signed-in account, the results store and the status bar.
 */
export interface FlowRunner {
  run(profileId: string, options: FlowRunOptions): Promise<RoundTripResult>;
  readonly onDidFinish: vscode.Event<{ profileId: string; profileName: string; target: StageId; result: FlowResult }>;
}

/** The local sandbox inside the extension host (lazily loaded). */
export interface SandboxManager {
  readonly current: Sandbox | undefined;
  /** Starts it (if needed) and stores/updates the "Local sandbox" profile; returns that profile's id. */
  start(): Promise<{ sandbox: Sandbox; profileId: string }>;
  /** Stops the peers; the profile stays, marked stopped. */
  stop(): Promise<void>;
  /** The stored sandbox profile when someone edited it since the sandbox saved it (a start replaces it). */
  editedProfile(): Promise<ConnectionProfile | undefined>;
  readonly onDidChange: vscode.Event<void>;
}

/** The editor's Microsoft account as a TokenProvider (silent first; prompts only after a user action). */
export interface SignedInAccount {
  tokenProvider(cloud: ConnectionProfile['cloud'], options?: { createIfNone?: boolean }): TokenProvider;
}

/** Every prompt goes through here so in-host tests can script the answers. */
export interface UserInput {
  showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined>;
  showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Promise<string | undefined>;
  showOpenDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined>;
  showSaveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined>;
}
