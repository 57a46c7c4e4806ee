/**
 * ufw (Uncomplicated Firewall): rule commands (`ufw allow 8443/udp`, read by the shell and
 * Markdown modules through {@link ufwCommandFacts}), the rule store `/etc/ufw/user.rules` /
 * `user6.rules` (module `ufw-rules`) and application profiles in `/etc/ufw/applications.d/`
 * (module `ufw-app`).
 *
 * Grammar references: ufw(8) (command syntax, simple and extended rule forms) and
 * ufw-framework(8) (application profiles). Each grammar has its own file: `command.ts`,
 * `user-rules.ts`, `applications.ts`; `detect.ts` classifies files. Pure: no I/O beyond the
 * extraction context.
 */
import type { FormatModule } from '../../model/facts';
import { extractApplications } from './applications';
import { detectApplications, detectUserRules } from './detect';
import { extractUserRules } from './user-rules';

export { parseAppProfiles, workspaceAppLookup, type AppLookup, type AppPortEntry, type AppPorts } from './applications';
export { isUfwCommand, ufwCommandFacts, type UfwCommandResult } from './command';

/**
 * ufw's rule store `user.rules` / `user6.rules` (id `ufw-rules`): one `firewall` fact per port
 * or range of each `### tuple ###` line; `parse-error` for tuple lines it cannot read.
 */
export const ufwRulesFormat: FormatModule = {
  id: 'ufw-rules',
  detect: detectUserRules,
  extract: extractUserRules,
};

/**
 * ufw application profiles under `applications.d/` (id `ufw-app`). A profile defines a port
 * set but is not a rule, so it yields no facts; malformed `ports=` values give `invalid-port`.
 * The profiles are used to resolve `ufw allow 'Name'` (see {@link workspaceAppLookup}).
 */
export const ufwAppFormat: FormatModule = {
  id: 'ufw-app',
  detect: detectApplications,
  extract: extractApplications,
};
