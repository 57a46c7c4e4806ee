/**
 * Places of the parts of an interpolated compose value: where a port written as
 * `"${HTTP_PORT:-8000}:80"` is reported (the expression, in the compose file) and where its
 * digits are written (the `.env` file, the default inside the expression, or the literal).
 */
import type { Derivation, Location } from '../../model/facts';
import type { PortPlace } from '../docker/container';
import type { Interpolation } from '../docker/interpolation';

/**
 * Places `[from, to)` of an interpolated value (indices into `interp.value`): `location`
 * covers the literal characters or the whole `${...}` expressions they came from (in `file`),
 * `valueLocation` the digits where they are written (env file, default inside the expression,
 * or the literal; the compose file's span when the characters come from several files),
 * `derivation` the first substitution involved (or literal). An empty part is an empty span
 * where it would start.
 */
export function placePart(interp: Interpolation, file: string, from: number, to: number): PortPlace {
  const os = interp.origins.slice(from, to);
  if (os.length === 0) {
    const at = interp.origins[from]?.start ?? interp.origins[from - 1]?.end ?? 0;
    const loc = { file, span: { start: at, end: at } };
    return { location: loc, valueLocation: loc, derivation: { kind: 'literal' } };
  }
  const span = { start: Math.min(...os.map((o) => o.start)), end: Math.max(...os.map((o) => o.end)) };
  const location: Location = { file, span };
  const subIndex = os.find((o) => o.sub >= 0)?.sub;
  if (subIndex === undefined) return { location, valueLocation: location, derivation: { kind: 'literal' } };
  const sub = interp.subs[subIndex]!;
  const derivation: Derivation = { kind: 'interpolation', expression: sub.expression, variable: sub.variable, source: sub.source };
  if (sub.location) derivation.location = sub.location;
  const vfile = os[0]!.file;
  let valueLocation = location;
  if (os.every((o) => o.file === vfile)) {
    valueLocation = { file: vfile, span: { start: Math.min(...os.map((o) => o.offset)), end: Math.max(...os.map((o) => o.offset)) + 1 } };
  }
  return { location, valueLocation, derivation };
}
