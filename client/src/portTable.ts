/**
 * The Ports view: the workspace port table as a tree (host → project → port/protocol → mention),
 * fetched from the server with `portolan/portTable` and refreshed when the server sends
 * `portolan/indexed`. No polling: the tree only asks again after a refresh event. A host whose
 * ports all come from one group (`byProject` false) shows them directly, without a project level.
 */
import * as vscode from 'vscode';
import type { PortTableFilter, PortTableHost, PortTableMention, PortTablePort, PortTableProblem, PortTableProject } from '../../server/src/lsp/protocol';

/** A node of the Ports view. */
export type PortTableNode =
  | { readonly type: 'host'; readonly host: PortTableHost }
  | { readonly type: 'project'; readonly host: string; readonly project: PortTableProject }
  | { readonly type: 'port'; readonly host: string; readonly port: PortTablePort }
  | { readonly type: 'mention'; readonly port: PortTablePort; readonly mention: PortTableMention };

/** What the view needs from the language client: one request. */
export type FetchPortTable = (filter: PortTableFilter) => Promise<PortTableHost[]>;

const FILTER_LABEL: Record<PortTableFilter, string> = { all: '', problems: 'problems only', rtcd: 'rtcd only' };

function problemIcon(severity: PortTableProblem['severity'] | undefined, fallback: string): vscode.ThemeIcon {
  switch (severity) {
    case 'error': return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    case 'warning': return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    case 'information': return new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground'));
    default: return new vscode.ThemeIcon(fallback);
  }
}

const KIND_ICON: Record<PortTableMention['kind'], string> = { bind: 'radio-tower', reference: 'arrow-right', firewall: 'shield' };
const KIND_LABEL: Record<PortTableMention['kind'], string> = { bind: 'binds', reference: 'refers to', firewall: 'firewall rule' };

function worstOf(problems: readonly PortTableProblem[]): PortTableProblem['severity'] | undefined {
  const rank = { error: 4, warning: 3, information: 2, hint: 1 } as const;
  return problems.reduce<PortTableProblem['severity'] | undefined>((w, p) => (!w || rank[p.severity] > rank[w] ? p.severity : w), undefined);
}

/** "12 ports, 2 with problems": distinct port/protocol pairs (a port two projects mention counts once). */
function portCount(ports: readonly PortTablePort[]): string {
  const all = new Set(ports.map((p) => `${p.port}/${p.protocol}`));
  const bad = new Set(ports.filter((p) => p.worst === 'error' || p.worst === 'warning').map((p) => `${p.port}/${p.protocol}`));
  return `${all.size} ports${bad.size ? `, ${bad.size} with problems` : ''}`;
}

/**
 * Tree data provider of the `portolan.ports` view. `refresh()` re-fetches on the next
 * `getChildren`; `filter` chooses all ports, ports with problems, or ports rtcd mentions.
 */
export class PortTableProvider implements vscode.TreeDataProvider<PortTableNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PortTableNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private filterValue: PortTableFilter = 'all';
  private pending: Promise<PortTableHost[]> | undefined;

  constructor(private readonly fetch: FetchPortTable) {}

  /** The current filter. */
  get filter(): PortTableFilter {
    return this.filterValue;
  }

  /** Sets the filter and refreshes; also updates the `portolan.portTable.filter` context key for menus. */
  async setFilter(filter: PortTableFilter): Promise<void> {
    this.filterValue = filter;
    await vscode.commands.executeCommand('setContext', 'portolan.portTable.filter', filter);
    this.refresh();
  }

  /** Label for the view's description ("problems only"), empty for all. */
  get filterLabel(): string {
    return FILTER_LABEL[this.filterValue];
  }

  /** Drops the cached table and tells VS Code to ask again. */
  refresh(): void {
    this.pending = undefined;
    this.changed.fire(undefined);
  }

  /** The hosts for the current filter, fetched once per refresh. A failed request gives an empty table. */
  hosts(): Promise<PortTableHost[]> {
    this.pending ??= this.fetch(this.filterValue).catch(() => []);
    return this.pending;
  }

  async getChildren(node?: PortTableNode): Promise<PortTableNode[]> {
    if (!node) {
      const hosts = await this.hosts();
      return hosts.map((host) => ({ type: 'host', host }));
    }
    if (node.type === 'host') {
      const { host } = node;
      if (host.byProject) return host.projects.map((project) => ({ type: 'project', host: host.host, project }));
      return host.projects.flatMap((g) => g.ports).map((port) => ({ type: 'port', host: host.host, port }));
    }
    if (node.type === 'project') return node.project.ports.map((port) => ({ type: 'port', host: node.host, port }));
    if (node.type === 'port') return node.port.mentions.map((mention) => ({ type: 'mention', port: node.port, mention }));
    return [];
  }

  getTreeItem(node: PortTableNode): vscode.TreeItem {
    if (node.type === 'host') {
      const item = new vscode.TreeItem(node.host.host, vscode.TreeItemCollapsibleState.Expanded);
      item.description = portCount(node.host.projects.flatMap((g) => g.ports));
      item.iconPath = new vscode.ThemeIcon('server');
      item.contextValue = 'host';
      item.tooltip = `Host ${node.host.host}: every file mapped to it competes for the same ports${node.host.byProject ? ', whichever project it belongs to' : ''}.`;
      return item;
    }
    if (node.type === 'project') {
      const { project } = node;
      const item = new vscode.TreeItem(project.label, vscode.TreeItemCollapsibleState.Expanded);
      item.description = portCount(project.ports);
      item.iconPath = new vscode.ThemeIcon(project.project === undefined ? 'folder' : 'package');
      item.contextValue = project.project === undefined ? 'project.none' : 'project';
      item.tooltip = project.project === undefined ? `Files on ${node.host} that belong to no compose project.` : `Compose project ${project.label} on ${node.host}.`;
      return item;
    }
    if (node.type === 'port') {
      const { port } = node;
      const item = new vscode.TreeItem(`${port.port}/${port.protocol}`, port.worst ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.description = [...new Set(port.mentions.map((m) => m.owner))].join(', ');
      item.iconPath = problemIcon(port.worst, 'plug');
      item.contextValue = port.worst ? 'port.problem' : 'port';
      const tip = new vscode.MarkdownString(`**${port.port}/${port.protocol}** on \`${node.host}\`: ${port.mentions.length} mentions`);
      const problems = [...new Map(port.mentions.flatMap((m) => m.problems).map((p) => [`${p.rule}\0${p.message}`, p])).values()];
      for (const p of problems) tip.appendMarkdown(`\n\n$(${p.severity === 'information' ? 'info' : p.severity === 'hint' ? 'lightbulb' : p.severity}) \`${p.rule}\`: `).appendText(p.message);
      tip.supportThemeIcons = true;
      item.tooltip = tip;
      return item;
    }
    const { mention } = node;
    const item = new vscode.TreeItem(mention.owner, vscode.TreeItemCollapsibleState.None);
    item.description = `${mention.role ?? `${KIND_LABEL[mention.kind]} (${mention.detail})`}${mention.inEffect ? '' : ', overridden'} · ${mention.file}:${mention.line}`;
    const worst = worstOf(mention.problems);
    item.iconPath = problemIcon(worst, KIND_ICON[mention.kind]);
    item.contextValue = `mention.${mention.kind}`;
    const tip = new vscode.MarkdownString();
    tip.appendText(`${mention.owner}: ${mention.role ?? mention.detail} (${mention.kind}) at ${mention.address}\n\n${mention.file}:${mention.line}`);
    for (const p of mention.problems) tip.appendMarkdown(`\n\n**${p.severity}** \`${p.rule}\`: `).appendText(p.message);
    item.tooltip = tip;
    const uri = vscode.Uri.parse(mention.uri);
    const r = mention.range;
    // No resourceUri: VS Code would decorate the item with the whole file's problem count.
    item.command = {
      command: 'vscode.open',
      title: 'Open',
      arguments: [uri, { selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) } satisfies vscode.TextDocumentShowOptions],
    };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
