/**
 * `npm run bench:pathological`: seconds per MB of every pathological input (test/pathological-inputs.ts)
 * in every format module, through the whole engine (index, snapshot, every rule), as the median of
 * `--runs` runs (default 3) at `--mb` MB (default 1). Prints one line per format and input, the
 * slowest first, and the number of diagnostics kept. The bar is under 1 s per MB.
 */
import { PATHOLOGICAL_FORMATS, PATHOLOGICAL_INPUTS, runPathological } from '../test/pathological-inputs';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const mb = arg('mb', 1);
const runs = arg('runs', 3);
const size = Math.round(mb * 1024 * 1024);
const rows: { format: string; input: string; sPerMb: number; diagnostics: number }[] = [];
for (const format of PATHOLOGICAL_FORMATS) {
  for (const [input, gen] of Object.entries(PATHOLOGICAL_INPUTS)) {
    const text = gen(size);
    runPathological(format, gen(4096));
    const times: number[] = [];
    let diagnostics = 0;
    for (let r = 0; r < runs; r++) {
      const run = runPathological(format, text);
      times.push(run.ms);
      diagnostics = run.diagnostics.length;
    }
    rows.push({ format: format.name, input, sPerMb: median(times) / 1000 / mb, diagnostics });
  }
}
rows.sort((a, b) => b.sPerMb - a.sPerMb);
process.stdout.write(`median of ${runs} runs at ${mb} MB, seconds per MB\n`);
for (const r of rows) process.stdout.write(`${r.sPerMb.toFixed(3).padStart(8)}  ${r.format.padEnd(14)} ${r.input.padEnd(22)} ${r.diagnostics} diagnostics\n`);
const over = rows.filter((r) => r.sPerMb >= 1);
process.stdout.write(`${over.length} of ${rows.length} at or over 1 s per MB\n`);
