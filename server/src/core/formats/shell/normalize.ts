/**
 * The command proper of a shell command line: what runs once `sudo`, `env`, `exec`, variable
 * assignments and reserved words in front of it are set aside (POSIX XCU 2.4, 2.9.1; sudo(8),
 * env(1)). Works on the words of `splitCommands` (`shell/words.ts`).
 *
 * Pure and total: no I/O, no state, never throws.
 */
import type { ShellWord } from '../../model/facts';

/** Reserved words that may precede a simple command (XCU 2.4) and are not the command. */
const LEADING_KEYWORDS: readonly string[] = ['if', 'then', 'do', 'else', 'elif', 'while', 'until', '!', '{', 'time'];
/** Wrappers that run the rest of the line as the command. */
const WRAPPERS: readonly string[] = ['command', 'exec', 'nohup', 'builtin'];
/** sudo(8) options that take a separate argument. */
const SUDO_ARG_OPTIONS: readonly string[] = ['-u', '-g', '-p', '-C', '-D', '-h', '-r', '-t', '-U', '-T', '--user', '--group', '--prompt', '--chdir', '--host', '--role', '--type', '--other-user', '--close-from', '--command-timeout'];

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The words of the command proper: strips leading reserved words (`if`, `then`, `do`, `!`,
 * `{`, ...), variable assignments (`FOO=1`), `sudo`/`doas` with their options (`sudo -E`,
 * `sudo -u root`), `env [-i] [NAME=V]...`, and `command`/`exec`/`nohup`. With `prompt`, a
 * leading `$` word (a shell prompt copied into documentation) is stripped too. Returns `[]`
 * for `command -v x` style queries and when nothing is left.
 */
export function commandWords(words: ShellWord[], prompt = false): ShellWord[] {
  let i = 0;
  if (prompt && words[0]?.value === '$') i++;
  for (;;) {
    const v = words[i]?.value;
    if (v === undefined) return [];
    if (LEADING_KEYWORDS.includes(v) || ASSIGNMENT.test(v)) {
      i++;
      continue;
    }
    if (v === 'sudo' || v === 'doas') {
      i++;
      while (words[i]?.value.startsWith('-')) {
        const o = words[i]!.value;
        i++;
        if (o === '--') break;
        if (SUDO_ARG_OPTIONS.includes(o) || (v === 'doas' && o === '-u')) i++;
      }
      continue;
    }
    if (v === 'env') {
      i++;
      while (words[i]?.value.startsWith('-')) {
        const o = words[i]!.value;
        i++;
        if (o === '-u' || o === '-C' || o === '-S') i++;
      }
      continue;
    }
    if (WRAPPERS.includes(v)) {
      if (v === 'command' && /^-[vV]$/.test(words[i + 1]?.value ?? '')) return [];
      i++;
      continue;
    }
    return words.slice(i);
  }
}
