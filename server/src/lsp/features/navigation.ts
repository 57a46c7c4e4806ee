/**
 * Rename (with prepareRename), references and definition on a port: the mentions that belong
 * together (core/features/edits/rename.ts, links.ts). A refused rename (the new port is taken,
 * out of range, or nothing renamable is under the cursor) is answered with a ResponseError
 * carrying the reason, which the editor shows.
 */
import { ErrorCodes, ResponseError, type Location } from 'vscode-languageserver';
import { definitionsAt, prepareRename, referencesAt, renamePort } from '../../core/features/edits/rename';
import { spanToRange, toLspLocation, toWorkspaceEdit } from '../convert';
import { guard } from '../guard';
import type { Feature } from './feature';

export const navigation: Feature = {
  name: 'navigation',
  capabilities: { renameProvider: { prepareProvider: true }, referencesProvider: true, definitionProvider: true },
  register(session, connection) {
    const text = (p: string) => session.text(p);
    connection.onPrepareRename(
      guard(connection, 'prepareRename', null, (params) => {
        const at = session.at(params.textDocument.uri, params.position);
        if (!at) return null;
        const t = prepareRename(session.snapshot(), at.file, at.offset);
        if ('error' in t) throw new ResponseError(ErrorCodes.InvalidRequest, t.error);
        return { range: spanToRange(at.text, t.span), placeholder: String(t.port) };
      }),
    );
    connection.onRenameRequest(
      guard(connection, 'rename', null, (params) => {
        const at = session.at(params.textDocument.uri, params.position);
        if (!at) return null;
        const r = renamePort(session.snapshot(), (f) => session.textOf(f), at.file, at.offset, params.newName);
        if ('error' in r) throw new ResponseError(ErrorCodes.InvalidRequest, r.error);
        return toWorkspaceEdit(r.edits, session, (e) => ({
          id: `portolan.rename.${e.label ?? 'port'}`,
          annotation: { label: e.label ?? 'port', description: `port renamed to ${params.newName}`, needsConfirmation: false },
        }));
      }),
    );
    connection.onReferences(
      guard(connection, 'references', [], (params): Location[] => {
        const at = session.at(params.textDocument.uri, params.position);
        return at ? referencesAt(session.snapshot(), at.file, at.offset, params.context.includeDeclaration).map((l) => toLspLocation(l, text)) : [];
      }),
    );
    connection.onDefinition(
      guard(connection, 'definition', [], (params): Location[] => {
        const at = session.at(params.textDocument.uri, params.position);
        return at ? definitionsAt(session.snapshot(), at.file, at.offset).map((l) => toLspLocation(l, text)) : [];
      }),
    );
  },
};
