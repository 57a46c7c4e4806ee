/**
 * Helpers format modules share over an {@link ExtractContext}: exact spans inside shell words,
 * reads of sibling files that record the dependency, and the shared file listing.
 */
import { FileListing } from '../model/listing';
import type { ExtractContext, ShellWord, Span } from '../model/facts';
import { dirname, resolvePath } from '../model/paths';

/**
 * Source span of `word.value.slice(from, to)`. Exact even inside quotes, because each
 * character of the value carries its own source offset.
 */
export function wordSpan(word: ShellWord, from = 0, to = word.value.length): Span {
  if (word.value.length === 0 || from >= to) {
    const at = from < word.offsets.length ? word.offsets[from]! : word.span.end;
    return { start: at, end: at };
  }
  return { start: word.offsets[from]!, end: word.offsets[to - 1]! + 1 };
}

/** Reads a sibling or included file through the context; `undefined` when absent. */
export function readRelative(ctx: ExtractContext, rel: string): { path: string; text: string } | undefined {
  const path = resolvePath(dirname(ctx.path), rel);
  const text = ctx.read(path);
  return text === undefined ? undefined : { path, text };
}

/** Context whose reads are appended to `deps` (for helpers that cannot return dependencies). */
export function recordingContext(ctx: ExtractContext, deps: string[]): ExtractContext {
  return {
    path: ctx.path,
    text: ctx.text,
    files: () => ctx.files(),
    ...(ctx.listing ? { listing: () => ctx.listing!() } : {}),
    read(path: string): string | undefined {
      const t = ctx.read(path);
      if (t !== undefined && !deps.includes(path)) deps.push(path);
      return t;
    },
  };
}


/** Another file parsed by `parse`: the index's shared parse when the context offers one ({@link ExtractContext.parsed}), else a parse of `ctx.read`'s text; `undefined` when absent. */
export function readParsed<T>(ctx: ExtractContext, path: string, kind: string, parse: (text: string) => T): T | undefined {
  if (ctx.parsed) return ctx.parsed(path, kind, parse);
  const text = ctx.read(path);
  return text === undefined ? undefined : parse(text);
}

/** The context's file listing: the index's shared one when it offers it, else one built from `ctx.files()`. */
export function listingOf(ctx: ExtractContext): FileListing {
  return ctx.listing?.() ?? new FileListing(ctx.files());
}
