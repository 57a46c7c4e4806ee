/**
 * firewalld: zone files (`/etc/firewalld/zones/NAME.xml`, firewalld.zone(5)) and service
 * definitions (`/etc/firewalld/services/NAME.xml`, firewalld.service(5)) as module `firewalld`,
 * and `firewall-cmd` commands (firewall-cmd(1)), read by the shell and Markdown modules through
 * {@link firewallCmdFacts}. Files: `xml.ts` (saxes with attribute spans), `zone.ts`,
 * `services.ts` (service names), `command.ts`. Pure: no I/O beyond the extraction context.
 */
import type { Detection, FormatModule } from '../../model/facts';
import { extractFirewalld } from './zone';

export { firewallCmdFacts, isFirewallCmd } from './command';
export { builtinService, workspaceServiceLookup, type ServiceLookup } from './services';

/**
 * Strong for an `.xml` file in a `firewalld/zones/` or `firewalld/services/` folder whose root
 * element is `<zone>` or `<service>`; not this format otherwise (an XML file elsewhere is not
 * ours).
 */
export function detectFirewalld(path: string, text: string): Detection {
  if (!/(?:^|\/)firewalld\/(?:zones|services)\/[^/]+\.xml$/.test(path)) return false;
  return /<(?:zone|service)[\s>/]/.test(text.slice(0, 4096)) ? 'strong' : false;
}

/** firewalld zone and service files (id `firewalld`), see the module comment. */
export const firewalldFormat: FormatModule = {
  id: 'firewalld',
  detect: detectFirewalld,
  extract: extractFirewalld,
};
