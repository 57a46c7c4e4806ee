/**
 * The status bar item: errors and warnings across the workspace's port configuration, from the
 * server's `portolan/indexed` notification. Clicking it opens the Ports view.
 */
import * as vscode from 'vscode';
import type { IndexedParams } from '../../server/src/lsp/protocol';

/**
 * Text of the item for a count: "Ports $(error) 5 $(warning) 6", or "Ports $(check)" when clean.
 * The word keeps it apart from VS Code's own problems count, which uses the same icons.
 */
export function statusText(p: Pick<IndexedParams, 'errors' | 'warnings'>): string {
  return p.errors === 0 && p.warnings === 0 ? 'Ports $(check)' : `Ports $(error) ${p.errors} $(warning) ${p.warnings}`;
}

/** Owns the status bar item; `update` is called on every `portolan/indexed`. */
export class PortStatus implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;

  constructor(showCommand: string) {
    this.item = vscode.window.createStatusBarItem('portolan.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Portolan';
    this.item.command = showCommand;
    this.item.text = 'Ports $(sync~spin)';
    this.item.tooltip = 'Portolan is indexing the workspace';
    this.item.show();
  }

  update(p: IndexedParams): void {
    this.item.text = statusText(p);
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    this.item.tooltip = `Portolan: ${plural(p.errors, 'error')} and ${plural(p.warnings, 'warning')} in ${plural(p.files, 'file')} (${plural(p.facts, 'port mention')}${p.skipped ? `, ${p.skipped} skipped` : ''}). Click to show the port table.`;
  }

  dispose(): void {
    this.item.dispose();
  }
}
