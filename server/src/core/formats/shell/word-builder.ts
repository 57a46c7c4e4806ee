/**
 * A word being built character by character, each character with its source offset: the
 * shared piece of the shell lexer (`shell/words.ts`) and systemd's command-line splitter
 * (`systemd/command-line.ts`). Local to one lexer call; no module state.
 */
import type { ShellWord } from '../../model/facts';

/** Mutable builder for one word; local to one lexer call. */
export class WordBuilder {
  /** The word's characters after quote removal and escape decoding. */
  chars: string[] = [];
  /** Source offset of each character of `chars`. */
  offsets: number[] = [];
  /** Source offset where the word starts; -1 while no word is open. */
  start = -1;
  /** Source offset one past the word's last source character. */
  end = -1;
  /** True when any part of the word was quoted or escaped. */
  quoted = false;

  /** True while a word is being built. */
  get open(): boolean {
    return this.start >= 0;
  }

  /** Opens a word at source offset `at` unless one is already open. */
  begin(at: number): void {
    if (this.start < 0) this.start = at;
  }

  /** Appends the character `ch` written at source offset `at`. */
  push(ch: string, at: number): void {
    this.chars.push(ch);
    this.offsets.push(at);
  }

  /** Closes the word and returns it (with whether it was quoted); `undefined` when none is open. */
  take(): { word: ShellWord; quoted: boolean } | undefined {
    if (this.start < 0) return undefined;
    const word: ShellWord = {
      value: this.chars.join(''),
      span: { start: this.start, end: Math.max(this.end, this.start) },
      offsets: this.offsets,
    };
    const quoted = this.quoted;
    this.chars = [];
    this.offsets = [];
    this.start = -1;
    this.end = -1;
    this.quoted = false;
    return { word, quoted };
  }
}
