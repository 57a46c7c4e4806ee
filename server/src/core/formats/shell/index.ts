import type { Detection, ExtractContext, ExtractResult, FormatModule, ShellWord } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { dockerRunFacts } from '../docker-run';
import { commandWords } from './normalize';
import { splitCommands } from './words';
import { isUfwCommand, ufwCommandFacts, workspaceAppLookup } from '../ufw';
import { recordingContext } from '../context';

/** True when `words` start `docker run` or `docker container run`. */
export function isDockerRun(words: ShellWord[]): boolean {
  if (words[0]?.value !== 'docker') return false;
  return words[1]?.value === 'run' || (words[1]?.value === 'container' && words[2]?.value === 'run');
}

const SHEBANG = /^#![ \t]*\/(?:usr\/)?(?:local\/)?bin\/(?:env[ \t]+(?:-\S+[ \t]+)*)?(?:ba|da|k|z)?sh\b/;
const UFW_CMD = /(?:^|[\s;&|(`])(?:\/usr\/sbin\/)?ufw[ \t]+(?:-\S+[ \t]+)*[a-z]/m;
const DOCKER_RUN = /(?:^|[\s;&|(`])docker[ \t]+(?:container[ \t]+)?run\b/m;

/** Extracts the ufw and `docker run` commands of `ctx.text` into `result`. */
function extractCommands(ctx: ExtractContext, result: ExtractResult): void {
  const apps = workspaceAppLookup(ctx, result.dependencies);
  const recording = recordingContext(ctx, result.dependencies);
  for (const raw of splitCommands(ctx.text)) {
    const words = commandWords(raw);
    if (isUfwCommand(words)) {
      const r = ufwCommandFacts(words, ctx.path, apps);
      result.facts.push(...r.facts);
      result.findings.push(...r.findings);
    } else if (isDockerRun(words)) {
      const r = dockerRunFacts(words, recording);
      result.facts.push(...r.facts);
      result.findings.push(...r.findings);
      if (r.workload) result.workloads.push(r.workload);
    }
  }
}

/**
 * Shell scripts: `*.sh` / `*.bash` or a `#!/bin/sh`, `#!/bin/bash`, `#!/usr/bin/env bash`
 * shebang. Detection is strong when the script contains a `ufw` or `docker run` command,
 * weak otherwise. Extraction yields `firewall` facts for ufw rules and the facts and workload
 * of each `docker run`; other commands are ignored. Never throws.
 */
export const shellFormat: FormatModule = {
  id: 'shell',
  detect(path: string, text: string): Detection {
    const byName = /\.(?:sh|bash)$/.test(path);
    if (!byName && !SHEBANG.test(text)) return false;
    return UFW_CMD.test(text) || DOCKER_RUN.test(text) ? 'strong' : 'weak';
  },
  extract(ctx: ExtractContext): ExtractResult {
    const result = emptyResult();
    extractCommands(ctx, result);
    return result;
  },
};
