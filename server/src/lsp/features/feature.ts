/**
 * The shape of one language-server feature: the capabilities it announces in the
 * InitializeResult and the handlers it registers. The server composes the capabilities of all
 * features (a capability key belongs to exactly one feature) and registers each feature once.
 */
import type { Connection, ServerCapabilities } from 'vscode-languageserver';
import type { Session } from '../session';

export interface Feature {
  /** Short name, for messages. */
  readonly name: string;
  /** What this feature adds to `InitializeResult.capabilities`; no key another feature sets. */
  readonly capabilities: ServerCapabilities;
  /** Registers the feature's handlers on `connection` (before `listen`); each handler is guarded (../guard.ts). */
  register(session: Session, connection: Connection): void;
  /** Runs on `initialized`, before the workspace is loaded: dynamic registrations. Must not throw. */
  initialized?(session: Session, connection: Connection): Promise<void>;
}

/**
 * The union of the features' capabilities. Throws when two features set the same top-level key,
 * since the later one would silently replace the earlier (a programming error, caught by the
 * tests at startup).
 */
export function composeCapabilities(features: readonly Feature[]): ServerCapabilities {
  const out: Record<string, unknown> = {};
  const owner = new Map<string, string>();
  for (const f of features) {
    for (const [key, value] of Object.entries(f.capabilities)) {
      const taken = owner.get(key);
      if (taken !== undefined) throw new Error(`capability ${key} is set by both ${taken} and ${f.name}`);
      owner.set(key, f.name);
      out[key] = value;
    }
  }
  return out as ServerCapabilities;
}
