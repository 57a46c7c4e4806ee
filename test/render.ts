/**
 * The one rendering of a port fact used by every test that prints facts, so all suites read the
 * same way. Test-only code.
 *
 * A fact renders as one line, fields in this order, optional ones only when set:
 *
 * ```
 * KIND PORTS/PROTOCOL ADDRESS OWNER DETAIL [role=] [instance=] [netns=] [scheme=] [published=]
 *   [ACTION DIRECTION [from=] [comment=]] [via=] [shadowed] | "TEXT" [-> [FILE] "VALUE"]
 * ```
 *
 * - PORTS is `8443` or an inclusive range `10000-20000`; ADDRESS is `*` when unset (all
 *   interfaces, or "to any" for firewall rules).
 * - ACTION DIRECTION (`allow in`) and `from=`/`comment=` appear for firewall facts.
 * - `via=` is the derivation when it is not literal: `default`, `env:VARIABLE`,
 *   `interpolation:env-file` (or `expression-default`, `unset`).
 * - TEXT is the source text at `location` (JSON-quoted); `-> "VALUE"` follows when
 *   `valueLocation` is elsewhere, with the file's path when it is another file.
 * - A value with whitespace, quotes, `|` or `=`, or an empty one, is JSON-quoted.
 * - `block` (an offset key) and a placed fact's `host`, `format` and `id` are not rendered.
 *
 * The fields are also what fact annotations of ./fixture.ts compare (`owner=web`, `tcp`, ...).
 */
import type { ExtractedFact, Location, PortRange } from '../server/src/core/model/facts';

/** Where rendered locations are read: one file's text (every location is in it) or a map of absolute path to text. */
export type TextSource = string | Readonly<Record<string, string>>;

function textAt(source: TextSource, loc: Location): string {
  const t = typeof source === 'string' ? source : source[loc.file];
  if (t === undefined) throw new Error(`location in unknown file ${loc.file}`);
  return t.slice(loc.span.start, loc.span.end);
}

const ports = (r: PortRange) => (r.start === r.end ? String(r.start) : `${r.start}-${r.end}`);
const quote = (s: string) => (s === '' || /[\s"|=]/.test(s) ? JSON.stringify(s) : s);
const sameLocation = (a: Location, b: Location) => a.file === b.file && a.span.start === b.span.start && a.span.end === b.span.end;

/**
 * A fact's fields as rendered, in render order: `[key, value]` with the raw (unquoted) value.
 * Keys: kind, ports, protocol, address, owner, detail, role, instance, netns, scheme, published,
 * action, direction, from, comment, via, shadowed, text, value (`value` and `valuefile` only
 * when `valueLocation` differs from `location`).
 */
export function factFields(f: ExtractedFact, source: TextSource): [string, string][] {
  const out: [string, string][] = [
    ['kind', f.kind],
    ['ports', ports(f.ports)],
    ['protocol', f.protocol],
    ['address', f.address ?? '*'],
    ['owner', f.owner],
    ['detail', f.detail],
  ];
  const opt = (k: string, v: string | undefined) => {
    if (v !== undefined) out.push([k, v]);
  };
  opt('role', f.role);
  opt('instance', f.instance);
  opt('netns', f.netns);
  opt('scheme', f.scheme);
  opt('published', f.publishedBy && ports(f.publishedBy));
  if (f.firewall) {
    out.push(['action', f.firewall.action], ['direction', f.firewall.direction]);
    opt('from', f.firewall.from);
    opt('comment', f.firewall.comment);
  }
  const d = f.derivation;
  opt('via', d.kind === 'literal' ? undefined : d.kind === 'default' ? 'default' : d.kind === 'env' ? `env:${d.variable}` : `interpolation:${d.source}`);
  if (f.shadowed) out.push(['shadowed', 'true']);
  out.push(['text', textAt(source, f.location)]);
  if (!sameLocation(f.location, f.valueLocation)) {
    if (f.valueLocation.file !== f.location.file) {
      if (typeof source === 'string') throw new Error(`the value of a fact in ${f.location.file} is in ${f.valueLocation.file}: render with a map of files`);
      out.push(['valuefile', f.valueLocation.file]);
    }
    out.push(['value', textAt(source, f.valueLocation)]);
  }
  return out;
}

/** One fact as one line (see the module comment for the layout). Throws when a location's file is not in `source`. */
export function renderFact(f: ExtractedFact, source: TextSource): string {
  const fields = factFields(f, source);
  const parts: string[] = [];
  let tail = '';
  let valueFile = '';
  for (const [k, v] of fields) {
    if (k === 'kind' || k === 'address' || k === 'owner' || k === 'detail' || k === 'action' || k === 'direction') parts.push(quote(v));
    else if (k === 'ports') parts.push(v);
    else if (k === 'protocol') parts[parts.length - 1] += `/${v}`;
    else if (k === 'shadowed') parts.push('shadowed');
    else if (k === 'text') tail = ` | ${JSON.stringify(v)}`;
    else if (k === 'valuefile') valueFile = `${v} `;
    else if (k === 'value') tail += ` -> ${valueFile}${JSON.stringify(v)}`;
    else parts.push(`${k}=${quote(v)}`);
  }
  return parts.join(' ') + tail;
}

/** {@link renderFact} of each fact, in order. */
export function renderFacts(facts: readonly ExtractedFact[], source: TextSource): string[] {
  return facts.map((f) => renderFact(f, source));
}
