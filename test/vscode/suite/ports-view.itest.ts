/**
 * The Ports view, the status bar item and the export command, read through the same objects VS
 * Code uses: the tree data provider and the status bar item that activate() returns.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PortolanApi } from '../../../client/src/extension';
import type { PortTableNode } from '../../../client/src/portTable';
import { activatePortolan, codeOf, screenshot, waitForDiagnostics, exampleUri, workspaceRoot, withTimeout, EVENT_TIMEOUT_MS } from './helpers';

/** The provider's children as the view would ask for them, and each node's TreeItem. */
async function children(api: PortolanApi, node?: PortTableNode): Promise<{ node: PortTableNode; item: vscode.TreeItem }[]> {
  const nodes = await api.portTable.getChildren(node);
  return nodes.map((n) => ({ node: n, item: api.portTable.getTreeItem(n) }));
}

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : item.label?.label ?? '');

/** Problems Portolan reports across the workspace, by severity. */
function workspaceCounts(): { errors: number; warnings: number } {
  const all = vscode.languages.getDiagnostics().flatMap(([, ds]) => ds.filter((d) => d.source === 'portolan'));
  return {
    errors: all.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length,
    warnings: all.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length,
  };
}

describe('Ports view, status bar and export', () => {
  let api: PortolanApi;

  before(async () => {
    api = (await activatePortolan()).exports as PortolanApi;
    // Indexed once the last planted problem is published (the Calls URL in an unopened file).
    await waitForDiagnostics(exampleUri('opt/mattermost/config/config.json'), (d) => d.some((x) => codeOf(x) === 'rtcd-mismatch'), 'rtcd-mismatch in config.json');
    if (!api.lastIndexed) await withTimeout(api.nextIndexed(), EVENT_TIMEOUT_MS, 'portolan/indexed');
  });

  it('holds host → project → port/protocol → mention, marks the conflicting port and opens the digits on click', async () => {
    const hosts = await children(api);
    assert.deepEqual(hosts.map((h) => label(h.item)), ['prochat-host']);
    // The mirror holds a compose project (opt/jitsi) beside the host's own files: a level per group.
    const projects = await children(api, hosts[0]!.node);
    assert.deepEqual(projects.map((g) => `${g.node.type} ${label(g.item)} ${(g.item.iconPath as vscode.ThemeIcon).id}`), ['project files in no project folder', 'project opt/jitsi package']);
    assert.equal(projects[1]!.item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.ok((await children(api, projects[1]!.node)).some((p) => label(p.item) === '10000/udp'), "jitsi's media port under its project");
    const ports = await children(api, projects[0]!.node);
    const labels = ports.map((p) => label(p.item));
    for (const l of ['22/tcp', '8000/tcp', '8046/udp', '8443/tcp', '8444/tcp', '10000/udp']) assert.ok(labels.includes(l), `${l} in ${labels.join(' ')}`);
    const p8444 = ports.find((p) => label(p.item) === '8444/tcp')!;
    assert.equal((p8444.item.iconPath as vscode.ThemeIcon).id, 'error', 'a port-conflict marks the port with the error icon');
    assert.equal(p8444.item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded, 'ports with problems are expanded');
    assert.match((p8444.item.tooltip as vscode.MarkdownString).value, /port-conflict/);
    const p22 = ports.find((p) => label(p.item) === '22/tcp')!;
    assert.equal((p22.item.iconPath as vscode.ThemeIcon).id, 'plug', 'a quiet port has no problem icon');

    const mentions = await children(api, p8444.node);
    const rtcd = mentions.find((m) => label(m.item) === 'rtcd')!;
    assert.ok(rtcd, `rtcd among ${mentions.map((m) => label(m.item)).join(', ')}`);
    assert.equal(rtcd.item.description, "rtcd's API · etc/rtcd/config.toml:7");
    assert.equal((rtcd.item.iconPath as vscode.ThemeIcon).id, 'error');

    // Clicking runs the item's command: the file opens with the port's digits selected.
    const cmd = rtcd.item.command!;
    await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document.uri.fsPath.endsWith(path.join('etc', 'rtcd', 'config.toml')));
    assert.equal(editor.document.getText(editor.selection), '8444');

    // The picture: the view filtered to problems, so the conflicts are on screen (the list only
    // renders the rows in view).
    await vscode.commands.executeCommand('portolan.portTable.showProblems');
    try {
      await vscode.commands.executeCommand('portolan.showPortTable');
      await screenshot('port-table', { selector: '.pane-body .monaco-list-row', text: 'prochat-host' });
    } finally {
      await vscode.commands.executeCommand('portolan.portTable.showAll');
    }
  });

  it('filters to problems only and to rtcd only from the view title, and back to all', async () => {
    // Every port under the first host, through its project nodes.
    const portLabels = async () => {
      const hosts = await children(api);
      if (hosts.length === 0) return [];
      const below = await children(api, hosts[0]!.node);
      const ports = (await Promise.all(below.map(async (n) => (n.node.type === 'project' ? children(api, n.node) : [n])))).flat();
      return ports.map((p) => ({ label: label(p.item), icon: (p.item.iconPath as vscode.ThemeIcon).id }));
    };
    try {
      await vscode.commands.executeCommand('portolan.portTable.showProblems');
      const problems = await portLabels();
      assert.ok(problems.length > 0 && problems.every((p) => p.icon === 'error' || p.icon === 'warning' || p.icon === 'info'), JSON.stringify(problems));
      assert.ok(!problems.some((p) => p.label === '22/tcp'));
      await vscode.commands.executeCommand('portolan.portTable.showRtcd');
      assert.deepEqual((await portLabels()).map((p) => p.label), ['8046/tcp', '8046/udp', '8443/tcp', '8443/udp', '8444/tcp']);
    } finally {
      await vscode.commands.executeCommand('portolan.portTable.showAll');
    }
    assert.ok((await portLabels()).some((p) => p.label === '22/tcp'));
  });

  it('status bar shows the errors and warnings across the workspace and opens the table', () => {
    const { errors, warnings } = workspaceCounts();
    assert.deepEqual({ errors, warnings }, { errors: 5, warnings: 7 }, 'the planted problems of examples/README.md');
    assert.equal(api.statusBarItem.text, `Ports $(error) ${errors} $(warning) ${warnings}`);
    assert.equal(api.statusBarItem.command, 'portolan.showPortTable');
    assert.match(String(api.statusBarItem.tooltip), /5 errors and 7 warnings in \d+ files/);
  });

  it('Export Port Reference writes the same reference as `portolan ports --format markdown`', async () => {
    const target = vscode.Uri.file(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-export-')), 'PORTS.md'));
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('portolan.exportPortReference', target);
    assert.equal(written?.fsPath, target.fsPath);
    const text = fs.readFileSync(target.fsPath, 'utf8');
    assert.match(text, /^<!-- portolan:reference [^\n]*-->\n# Port reference: prochat-host\n/);
    assert.ok(text.includes("\n| rtcd | 8444 | tcp | * | rtcd's API | etc/rtcd/config.toml:7 |\n"), text);
    assert.match(text, /^- error `port-conflict` at etc\/rtcd\/config\.toml:7: /m);
    // The CLI on the same folder, from this checkout's build, must print the same text.
    // The extension's own copy of the CLI, found at run time: a static import would bundle this checkout's.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cli = require(path.join(vscode.extensions.getExtension('portolan.portolan')!.extensionPath, 'out', 'server', 'src', 'cli', 'main.js')) as {
      main(argv: string[], io: { out(s: string): void; err(s: string): void }): Promise<number>;
    };
    let out = '';
    await cli.main(['ports', workspaceRoot(), '--format', 'markdown'], { out: (s) => (out += s), err: () => undefined });
    assert.equal(text, out);
  });
});
