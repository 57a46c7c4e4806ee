/**
 * Which files are systemd units, by path and content. Pure and total: never throws.
 */
import type { Detection } from '../../model/facts';
import { basename, dirname } from '../../model/paths';

const UNIT_SECTION = /^[ \t]*\[(?:Unit|Service|Socket|Install)\][ \t]*\r?$/m;
const DROPIN_SECTION = /^[ \t]*\[(?:Service|Socket)\][ \t]*\r?$/m;

/**
 * Strong for `*.service` / `*.socket` files with a `[Unit]`, `[Service]`, `[Socket]` or
 * `[Install]` section, and for drop-ins `*.service.d/*.conf` / `*.socket.d/*.conf` with a
 * `[Service]` or `[Socket]` section; false for everything else (supervisord, php-fpm pools,
 * dovecot, git config, ...).
 */
export function detectUnit(path: string, text: string): Detection {
  const name = basename(path);
  if (/\.(?:service|socket)$/.test(name)) return UNIT_SECTION.test(text) ? 'strong' : false;
  if (/\.conf$/.test(name) && /\.(?:service|socket)\.d$/.test(basename(dirname(path)))) {
    return DROPIN_SECTION.test(text) ? 'strong' : false;
  }
  return false;
}
