/**
 * Which files are ufw's rule store and which are ufw application profiles, by path and
 * content. Pure and total: never throws.
 */
import type { Detection } from '../../model/facts';
import { basename } from '../../model/paths';
import { TUPLE } from './user-rules';

/**
 * `user.rules` / `user6.rules`: strong when named so and holding a `### tuple ###` line or an
 * iptables-restore `*filter` table; weak for another name with tuple lines and ufw's
 * `ufw-user-` / `ufw6-user-` chains; false otherwise.
 */
export function detectUserRules(path: string, text: string): Detection {
  const name = basename(path);
  const hasTuple = text.includes(TUPLE);
  if ((name === 'user.rules' || name === 'user6.rules') && (hasTuple || text.includes('*filter'))) return 'strong';
  return hasTuple && /\bufw6?-user-/.test(text) ? 'weak' : false;
}

/**
 * Application profiles: strong for a file directly inside a folder named `applications.d`
 * that has a `[Name]` section and a `ports=` (or `ports:`) key; false otherwise.
 */
export function detectApplications(path: string, text: string): Detection {
  if (!/\/applications\.d\/[^/]+$/.test(path)) return false;
  return /^[ \t]*\[[^\]\n]+\]/m.test(text) && /^[ \t]*ports\s*[=:]/m.test(text) ? 'strong' : false;
}
