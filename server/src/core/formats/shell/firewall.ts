/**
 * The firewall commands that scripts and documentation write, in one place for the shell and
 * Markdown modules: `ufw` (../ufw), `firewall-cmd` (../firewalld), `nft` (../nftables) and
 * `iptables`/`ip6tables` (../iptables). Pure: names are resolved through the extraction context.
 */
import type { ExtractContext, ExtractedFact, FileFinding, ShellWord } from '../../model/facts';
import { firewallCmdFacts, isFirewallCmd, workspaceServiceLookup, type ServiceLookup } from '../firewalld';
import { iptablesCommandFacts, isIptablesCommand } from '../iptables';
import { isNftCommand, nftCommandFacts } from '../nftables';
import { isUfwCommand, ufwCommandFacts, workspaceAppLookup, type AppLookup } from '../ufw';

/**
 * A rule-adding command of firewalld, nftables or iptables somewhere in a text:
 * `firewall-cmd ... --add-port`/`--add-service`, `nft ... add|insert rule`, `iptables ... -A|-I`.
 */
export const OTHER_FIREWALL_RULE = /(?:^|[\s;&|(`])(?:\/usr\/s?bin\/)?(?:firewall-cmd[ \t][^\n]*--add-(?:port|service)|nft[ \t][^\n]*\b(?:add|insert)[ \t]+rule|ip6?tables(?:-legacy|-nft)?[ \t][^\n]*(?:-[AI]|--append|--insert)[ \t])/m;

/** The name lookups the commands need: ufw application profiles and firewalld services. */
export interface FirewallNames {
  apps: AppLookup;
  services: ServiceLookup;
}

/** Lookups over the workspace; files they read are recorded in `deps`. */
export function firewallNames(ctx: ExtractContext, deps: string[]): FirewallNames {
  return { apps: workspaceAppLookup(ctx, deps), services: workspaceServiceLookup(ctx, deps) };
}

/**
 * Facts and findings of one command (words already through `commandWords`) when it is a ufw,
 * firewall-cmd, nft or iptables command; `undefined` for any other command.
 */
export function firewallCommandFacts(words: ShellWord[], file: string, names: FirewallNames): { facts: ExtractedFact[]; findings: FileFinding[] } | undefined {
  if (isUfwCommand(words)) return ufwCommandFacts(words, file, names.apps);
  if (isFirewallCmd(words)) return firewallCmdFacts(words, file, names.services);
  if (isNftCommand(words)) return nftCommandFacts(words, file);
  if (isIptablesCommand(words)) return iptablesCommandFacts(words, file);
  return undefined;
}
