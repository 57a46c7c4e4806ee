/**
 * Edits that regenerate the `portolan:ports` regions of port reference documents (between
 * portdoc's REGION_BEGIN and REGION_END markers) from the configuration, as plain core edits.
 * The table is {@link portsMarkdown}'s; a region whose body already equals it gets no edit.
 * Used by the `doc-stale` quick fix and the "Update Generated Port Tables" command. Pure.
 */
import { portDocuments, portsMarkdown, regionEdits } from '../../index/documents';
import type { Snapshot } from '../../index/workspace';
import type { TextEdit } from './text';

/**
 * One edit per out-of-date region body, in document path order, of every port document (only
 * the document `only`, an absolute path, when given). `textOf` gives a file's current text
 * (spans are UTF-16 offsets into it); a file it does not know is taken as empty. Empty when
 * every region is current or there is none.
 */
export function staleRegionEdits(snap: Snapshot, textOf: (file: string) => string | undefined, only?: string): TextEdit[] {
  const out: TextEdit[] = [];
  let table: string | undefined;
  for (const doc of portDocuments(snap)) {
    if (doc.regions.length === 0 || (only !== undefined && doc.file !== only)) continue;
    table ??= portsMarkdown(snap);
    for (const e of regionEdits(doc.regions, textOf(doc.file) ?? '', table)) out.push({ file: doc.file, span: e.region.body, newText: e.newText });
  }
  return out;
}
