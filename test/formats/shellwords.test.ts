import * as assert from 'node:assert/strict';
import { commandWords } from '../../server/src/core/formats/shell/normalize';
import { eachCommand, heredocs, splitCommands } from '../../server/src/core/formats/shell/words';
import { systemdCommand, systemdSplit, systemdWords } from '../../server/src/core/formats/systemd/command-line';
import type { ShellWord } from '../../server/src/core/model/facts';
import { slice } from '../helpers';
import { wordSpan } from '../../server/src/core/formats/context';

const values = (cmds: ShellWord[][]): string[][] => cmds.map((c) => c.map((w) => w.value));

/** Each value character must come from the source character its offset names (no escapes in these cases). */
function assertOffsets(text: string, w: ShellWord): void {
  assert.equal(w.offsets.length, w.value.length);
  for (let i = 0; i < w.value.length; i++) assert.equal(text[w.offsets[i]!], w.value[i], `char ${i} of ${w.value}`);
}

describe('shellwords', () => {
  describe('splitCommands', () => {
    it('splits words with exact spans and offsets', () => {
      const t = 'sudo ufw allow 8443/udp';
      const cmds = splitCommands(t);
      assert.deepEqual(values(cmds), [['sudo', 'ufw', 'allow', '8443/udp']]);
      const w = cmds[0]![3]!;
      assert.equal(slice(t, w.span), '8443/udp');
      assert.equal(slice(t, wordSpan(w, 0, 4)), '8443');
      assertOffsets(t, w);
    });

    it('removes single quotes and maps inner characters to their source offsets', () => {
      const t = "ufw allow 'Nginx Full' comment 'rtcd API'";
      const cmd = splitCommands(t)[0]!;
      assert.deepEqual(cmd.map((w) => w.value), ['ufw', 'allow', 'Nginx Full', 'comment', 'rtcd API']);
      assert.equal(slice(t, cmd[2]!.span), "'Nginx Full'");
      assert.equal(slice(t, wordSpan(cmd[2]!)), 'Nginx Full');
      assertOffsets(t, cmd[2]!);
    });

    it('handles double quotes with backslash escapes and adjacent quoted parts', () => {
      const t = 'echo "a \\"b\\" $X \\q" x"8"\'0\'80';
      const cmd = splitCommands(t)[0]!;
      assert.equal(cmd[1]!.value, 'a "b" $X \\q');
      assert.equal(cmd[2]!.value, 'x8080');
      assert.equal(slice(t, wordSpan(cmd[2]!, 1, 5)), '8"\'0\'80');
      assert.equal(t[cmd[1]!.offsets[2]!], '"');
      assert.equal(t[cmd[1]!.offsets[2]! - 1], '\\');
    });

    it('joins backslash-newline continuations into one command spanning lines', () => {
      const t = 'sudo ufw allow \\\n  proto tcp \\\n  to any port 80\nufw reload\n';
      const cmds = splitCommands(t);
      assert.deepEqual(values(cmds), [['sudo', 'ufw', 'allow', 'proto', 'tcp', 'to', 'any', 'port', '80'], ['ufw', 'reload']]);
      assert.equal(slice(t, cmds[0]![8]!.span), '80');
    });

    it('skips comments only at the start of a word', () => {
      const t = '# ufw allow 80\nufw allow 81 # open 82\necho a#b';
      assert.deepEqual(values(splitCommands(t)), [['ufw', 'allow', '81'], ['echo', 'a#b']]);
    });

    it('splits on ; && || | & ;; ( ) and newlines', () => {
      const t = 'a 1; b && c || d | e & f\n(g); h |& i';
      assert.deepEqual(values(splitCommands(t)), [['a', '1'], ['b'], ['c'], ['d'], ['e'], ['f'], ['g'], ['h'], ['i']]);
    });

    it('drops redirections together with their targets', () => {
      const t = 'ufw allow 80/tcp >/dev/null 2>&1 </dev/null &>log; x 2> err y';
      assert.deepEqual(values(splitCommands(t)), [['ufw', 'allow', '80/tcp'], ['x', 'y']]);
    });

    it('keeps parameter expansions and command substitutions literally, spaces included', () => {
      const t = 'P=$(cat "a b") ufw allow ${PORT:-80 x}/tcp `echo 1 2`';
      const cmd = splitCommands(t)[0]!;
      assert.deepEqual(cmd.map((w) => w.value), ['P=$(cat "a b")', 'ufw', 'allow', '${PORT:-80 x}/tcp', '`echo 1 2`']);
      assertOffsets(t, cmd[3]!);
    });

    it('skips here-document bodies and reports them', () => {
      const t = "cat <<EOF > /tmp/x\nufw allow 80\nEOF\ncat <<-'END'\n\tufw allow 81\n\tEND\nufw allow 82\n";
      assert.deepEqual(values(splitCommands(t)), [['cat'], ['cat'], ['ufw', 'allow', '82']]);
      const docs = heredocs(t);
      assert.equal(docs.length, 2);
      assert.equal(slice(t, docs[0]!.span), 'ufw allow 80\n');
      assert.deepEqual([docs[0]!.delimiter, docs[0]!.quoted, docs[0]!.stripTabs], ['EOF', false, false]);
      assert.equal(slice(t, docs[1]!.span), '\tufw allow 81\n');
      assert.deepEqual([docs[1]!.delimiter, docs[1]!.quoted, docs[1]!.stripTabs], ['END', true, true]);
    });

    it('runs an unterminated here-document to the end without throwing', () => {
      const t = 'cat <<EOF\nufw allow 80\n';
      assert.deepEqual(values(splitCommands(t)), [['cat']]);
      assert.equal(slice(t, heredocs(t)[0]!.span), 'ufw allow 80\n');
    });

    it('ends unterminated quotes at the end of the range and never throws', () => {
      assert.deepEqual(values(splitCommands("ufw allow 'oops")), [['ufw', 'allow', 'oops']]);
      assert.deepEqual(values(splitCommands('echo "x $(y')), [['echo', 'x $(y']]);
      assert.deepEqual(values(splitCommands('a \\')), [['a', '\\']]);
    });

    it('lexes only the given range, with offsets in the whole text', () => {
      const t = 'prose ufw allow 1\n```\nufw allow 8443/tcp\n```\n';
      const start = t.indexOf('ufw allow 8443');
      const cmds = splitCommands(t, start, t.indexOf('```', start));
      assert.deepEqual(values(cmds), [['ufw', 'allow', '8443/tcp']]);
      assert.equal(slice(t, wordSpan(cmds[0]![2]!, 0, 4)), '8443');
    });

    it('keeps an empty quoted word', () => {
      const cmd = splitCommands("ufw allow '' x")[0]!;
      assert.deepEqual(cmd.map((w) => w.value), ['ufw', 'allow', '', 'x']);
    });
  });

  it('never throws and keeps offsets inside the text on garbage input', () => {
    let seed = 3;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const parts = ['ufw', ' ', 'a', '\n', '"', "'", '\\', '$(', '${', '}', ')', '(', '`', '<<', '<<-', 'EOF', '#', '|', '&', ';', '>', '<', '2', '\t', '\r'];
    for (let n = 0; n < 3000; n++) {
      let t = '';
      for (let i = Math.floor(rnd() * 30); i > 0; i--) t += parts[Math.floor(rnd() * parts.length)];
      for (const words of [...splitCommands(t), systemdSplit(t), systemdWords(t)]) {
        for (const w of words) {
          assert.equal(w.offsets.length, w.value.length);
          for (const o of w.offsets) assert.ok(o >= 0 && o < t.length, JSON.stringify(t));
          assert.ok(w.span.start <= w.span.end && w.span.end <= t.length, JSON.stringify(t));
        }
      }
      for (const h of heredocs(t)) assert.ok(h.span.start <= h.span.end && h.span.end <= t.length);
    }
  });

  describe('eachCommand', () => {
    it('yields the commands splitCommands lists, in order, spans and offsets included', () => {
      const t = 'ufw allow 22\ncat <<EOF\nbody ; not a command\nEOF\necho "a b" | grep a; x=1 && docker run -p 80:80 nginx\n';
      assert.deepEqual([...eachCommand(t)], splitCommands(t));
      assert.deepEqual([...eachCommand(t, 13, 22)], splitCommands(t, 13, 22));
    });

    it('is lazy: the first of 200,000 commands comes before the rest is lexed (near miss: the whole list takes far longer)', () => {
      const t = 'ufw allow 8080/tcp\n' + 'a {\n'.repeat(200_000);
      const first = (): number => {
        const start = process.hrtime.bigint();
        assert.deepEqual((eachCommand(t).next().value as ShellWord[] | undefined)?.map((w) => w.value), ['ufw', 'allow', '8080/tcp']);
        return Number(process.hrtime.bigint() - start);
      };
      const all = (): number => {
        const start = process.hrtime.bigint();
        assert.equal(splitCommands(t).length, 200_001);
        return Number(process.hrtime.bigint() - start);
      };
      const median = (f: () => number) => [f(), f(), f()].sort((a, b) => a - b)[1]!;
      assert.ok(median(first) * 20 < median(all));
    });
  });

  describe('commandWords', () => {
    const cw = (t: string, prompt = false): string[] => commandWords(splitCommands(t)[0]!, prompt).map((w) => w.value);
    it('strips sudo and its options, assignments, env and reserved words', () => {
      assert.deepEqual(cw('sudo ufw allow 80'), ['ufw', 'allow', '80']);
      assert.deepEqual(cw('sudo -E -u root ufw allow 80'), ['ufw', 'allow', '80']);
      assert.deepEqual(cw('FOO=1 BAR=2 sudo -- ufw allow 80'), ['ufw', 'allow', '80']);
      assert.deepEqual(cw('env -i A=1 ufw allow 80'), ['ufw', 'allow', '80']);
      assert.deepEqual(cw('then ufw allow 80'), ['ufw', 'allow', '80']);
      assert.deepEqual(cw('$ sudo ufw allow 80', true), ['ufw', 'allow', '80']);
    });
    it('leaves other commands alone and does not strip a prompt unless asked', () => {
      assert.deepEqual(cw('echo ufw allow 80'), ['echo', 'ufw', 'allow', '80']);
      assert.deepEqual(cw('$ ufw allow 80'), ['$', 'ufw', 'allow', '80']);
      assert.deepEqual(cw('command -v ufw'), []);
      assert.deepEqual(cw('FOO=1'), []);
    });
  });

  describe('systemd command lines', () => {
    it('splits with double and single quotes and C escapes', () => {
      const t = 'ExecStart=/usr/bin/app "--name=a b" \'c d\' x\\x41y \\"q';
      const start = t.indexOf('=') + 1;
      const words = systemdSplit(t, start);
      assert.deepEqual(words.map((w) => w.value), ['/usr/bin/app', '--name=a b', 'c d', 'xAy', '"q']);
      assert.equal(slice(t, words[1]!.span), '"--name=a b"');
      assert.equal(slice(t, wordSpan(words[1]!, 7)), 'a b');
      // A decoded escape maps to the offset of its backslash.
      assert.equal(t.slice(words[3]!.offsets[1]!, words[3]!.offsets[2]!), '\\x41');
    });

    it('strips executable prefixes -@:+! and drops argv[0] after @', () => {
      const t = '-/usr/bin/rtcd --port 8080';
      const c = systemdCommand(t);
      assert.equal(c.prefixes, '-');
      assert.deepEqual(c.words.map((w) => w.value), ['/usr/bin/rtcd', '--port', '8080']);
      assert.equal(slice(t, c.words[0]!.span), '/usr/bin/rtcd');
      const t2 = '@+/usr/sbin/daemon mydaemon -p 9000';
      assert.deepEqual(systemdWords(t2).map((w) => w.value), ['/usr/sbin/daemon', '-p', '9000']);
      assert.equal(systemdCommand('!!/bin/x').prefixes, '!!');
    });

    it('treats backslash-newline as a word break and skips comment lines in a continuation', () => {
      const t = '/usr/bin/app \\\n  --a=1 \\\n# note\n  ; other\n  --port=9000\nNext=1';
      const end = t.indexOf('\nNext');
      const words = systemdSplit(t, 0, end);
      assert.deepEqual(words.map((w) => w.value), ['/usr/bin/app', '--a=1', '--port=9000']);
      assert.equal(slice(t, wordSpan(words[2]!, 7)), '9000');
    });

    it('keeps $VAR and % specifiers literally and never throws on an open quote', () => {
      assert.deepEqual(systemdSplit('/bin/x $PORT ${A} %n "open').map((w) => w.value), ['/bin/x', '$PORT', '${A}', '%n', 'open']);
      assert.deepEqual(systemdCommand('').words, []);
    });
  });
});
