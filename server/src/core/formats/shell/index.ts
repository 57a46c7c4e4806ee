import type { Detection, ExtractContext, ExtractResult, FormatModule, ShellWord } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { dockerRunFacts } from '../docker-run';
import { commandWords } from './normalize';
import { eachCommand } from './words';
import { recordingContext } from '../context';
import { firewallCommandFacts, firewallNames, OTHER_FIREWALL_RULE } from './firewall';

/** True when `words` start `docker run` or `docker container run`. */
export function isDockerRun(words: ShellWord[]): boolean {
  if (words[0]?.value !== 'docker') return false;
  return words[1]?.value === 'run' || (words[1]?.value === 'container' && words[2]?.value === 'run');
}

const SHEBANG = /^#![ \t]*\/(?:usr\/)?(?:local\/)?bin\/(?:env[ \t]+(?:-\S+[ \t]+)*)?(?:ba|da|k|z)?sh\b/;
const UFW_CMD = /(?:^|[\s;&|(`])(?:\/usr\/sbin\/)?ufw[ \t]+(?:-\S+[ \t]+)*[a-z]/m;
const DOCKER_RUN = /(?:^|[\s;&|(`])docker[ \t]+(?:container[ \t]+)?run\b/m;

/** Extracts the firewall and `docker run` commands of `ctx.text` into `result`. */
function extractCommands(ctx: ExtractContext, result: ExtractResult): void {
  const names = firewallNames(ctx, result.dependencies);
  const recording = recordingContext(ctx, result.dependencies);
  for (const raw of eachCommand(ctx.text)) {
    const words = commandWords(raw);
    const fw = firewallCommandFacts(words, ctx.path, names);
    if (fw) {
      result.facts.push(...fw.facts);
      result.findings.push(...fw.findings);
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
 * shebang. Detection is strong when the script contains a `ufw`, `docker run`, `firewall-cmd
 * --add-port/--add-service`, `nft add rule` or `iptables -A/-I` command, weak otherwise.
 * Extraction yields `firewall` facts for the rules of those firewalls (./firewall) and the facts and workload
 * of each `docker run`; other commands are ignored. Never throws.
 */
export const shellFormat: FormatModule = {
  id: 'shell',
  detect(path: string, text: string): Detection {
    const byName = /\.(?:sh|bash)$/.test(path);
    if (!byName && !SHEBANG.test(text)) return false;
    return UFW_CMD.test(text) || DOCKER_RUN.test(text) || OTHER_FIREWALL_RULE.test(text) ? 'strong' : 'weak';
  },
  extract(ctx: ExtractContext): ExtractResult {
    const result = emptyResult();
    extractCommands(ctx, result);
    return result;
  },
};
