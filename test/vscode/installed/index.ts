/**
 * Entry point of the installed-.vsix suite (`npm run test:vsix`): the offline launcher installs
 * portolan.vsix into the VS Code server and opens the example workspace with this folder's probe
 * manifest as the development extension, so Portolan itself loads only from the .vsix.
 */
import * as vscode from 'vscode';
import { runFolder } from '../runner';

/** Called by VS Code's extension host in test mode; rejects when any test failed. */
export function run(): Promise<void> {
  return runFolder(__dirname, vscode.version);
}
