/**
 * The status bar item: errors and warnings across the workspace's port configuration, from the
 * server's `portolan/indexed` notification. Clicking it opens the Ports view.
 */
import * as vscode from 'vscode';
import type { IndexedParams } from '../../server/src/lsp/protocol';

/** Text of the item for a count: "$(error) 5 $(warning) 6", or "$(check) ports" when clean. */
export function statusText(p: Pick<IndexedParams, 'errors' | 'warnings'>): string {
  return p.errors === 0 && p.warnings === 0 ? '$(check) ports' : `$(error) ${p.errors} $(warning) ${p.warnings}`;
}

/** Owns the status bar item; `update` is called on every `portolan/indexed`. */
export class PortStatus implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;

  constructor(showCommand: string) {
    this.item = vscode.window.createStatusBarItem('portolan.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Portolan';
    this.item.command = showCommand;
    this.item.text = '$(sync~spin) ports';
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
