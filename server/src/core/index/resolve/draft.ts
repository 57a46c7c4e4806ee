/**
 * The resolver's working copy of a placed snapshot's facts. Copy on write: the placed facts are
 * shared with the index's per-file cache, so only the facts a pass changes are copied (by
 * {@link Draft.own}); the facts and findings the passes add are kept apart, in order.
 */
import type { Location, PortFact } from '../../model/facts';
import type { PlacedFinding } from '../placed';

export class Draft {
  /** The facts so far: the placed ones, some replaced by copies. */
  private readonly current: PortFact[];
  private readonly copied = new Set<number>();
  private readonly added: PortFact[] = [];
  private readonly found: PlacedFinding[] = [];
  /** Mentions already reported as unknown rtcd variables (`file\0offset`). */
  private readonly reported = new Set<string>();

  /** `idPrefix` starts the ids of the added facts (`resolved#` unless a part of the workspace is resolved). */
  constructor(facts: readonly PortFact[], private readonly idPrefix = 'resolved#') {
    this.current = [...facts];
  }

  /** The placed facts (and the copies made so far), in snapshot order; not the added ones. */
  get facts(): readonly PortFact[] {
    return this.current;
  }

  /** Fact `i`, copied on first call, for a pass to change. */
  own(i: number): PortFact {
    if (!this.copied.has(i)) {
      this.current[i] = { ...this.current[i]! };
      this.copied.add(i);
    }
    return this.current[i]!;
  }

  /** Adds a fact the resolver derives; its id is the prefix followed by n, counting from 0 (`resolved#<n>`). */
  add(f: Omit<PortFact, 'id'>): void {
    this.added.push({ ...f, id: `${this.idPrefix}${this.added.length}` } as PortFact);
  }

  /** Adds a finding. */
  report(f: PlacedFinding): void {
    this.found.push(f);
  }

  /** True the first time a mention is asked about: one finding per mention, however many launchers read it. */
  firstReport(l: Location): boolean {
    const k = `${l.file}\u0000${l.span.start}`;
    if (this.reported.has(k)) return false;
    this.reported.add(k);
    return true;
  }

  /** The facts (placed, then added) and the added findings. */
  result(): { facts: PortFact[]; findings: PlacedFinding[] } {
    return { facts: [...this.current, ...this.added], findings: this.found };
  }
}
