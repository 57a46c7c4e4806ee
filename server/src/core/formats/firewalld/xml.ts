/**
 * The XML that firewalld's zone and service files are written in (firewalld.zone(5),
 * firewalld.service(5)), read with `saxes` (a conforming XML 1.0 parser that reports stream
 * positions). Gives each element with its ancestors and the exact source span of every
 * attribute value, which saxes itself does not report: the value is found in the element's
 * source text between the `<` and the `>` saxes reports. Pure and total: never throws.
 */
import { SaxesParser } from 'saxes';
import type { FileFinding, Span } from '../../model/facts';

/** One attribute: its decoded value and where its raw text is (inside the quotes). */
export interface XmlAttribute {
  value: string;
  span: Span;
}

/** One element start tag. */
export interface XmlElement {
  name: string;
  /** Nesting depth: 0 for the root element. */
  depth: number;
  attributes: Map<string, XmlAttribute>;
  /** From `<` to after `>`. */
  span: Span;
  /** Index of the element in document order; `parent` is its parent's index, -1 for the root. */
  parent: number;
}

/** Result of {@link readXml}: the elements, and `parse-error`s where the XML is not well-formed. */
export interface XmlSyntax {
  value: XmlElement[];
  errors: FileFinding[];
}

const ATTRIBUTE = /([A-Za-z_:][-A-Za-z0-9_.:]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Attribute spans of the start tag `text[start, end)`, keyed by name. */
function attributeSpans(text: string, start: number, end: number): Map<string, Span> {
  const out = new Map<string, Span>();
  const tag = text.slice(start, end);
  for (const m of tag.matchAll(ATTRIBUTE)) {
    const raw = m[2] ?? m[3] ?? '';
    const from = start + m.index + m[0].length - 1 - raw.length;
    if (!out.has(m[1]!)) out.set(m[1]!, { start: from, end: from + raw.length });
  }
  return out;
}

/**
 * Parses `text` as XML 1.0 with saxes and returns every element in document order. The first
 * well-formedness error becomes one `parse-error` at its position, and the elements read
 * before it are kept. Never throws.
 */
export function readXml(text: string): XmlSyntax {
  const value: XmlElement[] = [];
  const errors: FileFinding[] = [];
  const parser = new SaxesParser({ position: true });
  const stack: number[] = [];
  let tagStart = 0;
  parser.on('error', (e) => {
    if (errors.length > 0) return;
    const at = Math.min(parser.position, text.length);
    errors.push({ rule: 'parse-error', span: { start: Math.max(0, at - 1), end: at }, message: `firewalld: not well-formed XML: ${e.message.replace(/^[^:]*:\d+:\d+: /, '')}` });
  });
  parser.on('opentagstart', () => {
    tagStart = Math.max(0, text.lastIndexOf('<', parser.position));
  });
  parser.on('opentag', (tag) => {
    const end = parser.position;
    const spans = attributeSpans(text, tagStart, end);
    const attributes = new Map<string, XmlAttribute>();
    for (const [name, v] of Object.entries(tag.attributes)) {
      const span = spans.get(name);
      if (span) attributes.set(name, { value: typeof v === 'string' ? v : v.value, span });
    }
    const parent = stack.length > 0 ? stack[stack.length - 1]! : -1;
    value.push({ name: tag.name, depth: stack.length, attributes, span: { start: tagStart, end }, parent });
    stack.push(value.length - 1);
  });
  // saxes reports a close tag for self-closing elements too.
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(text).close();
  return { value, errors };
}
