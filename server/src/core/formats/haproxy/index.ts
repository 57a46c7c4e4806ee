/**
 * HAProxy configurations: `haproxy.cfg`, `*.cfg` and names containing "haproxy", recognized
 * strongly when a line starts a `frontend`, `backend` or `listen` section. See `extract.ts`.
 */
import type { Detection, FormatModule } from '../../model/facts';
import { basename } from '../../model/paths';
import { extractHaproxy } from './extract';

export { parseHaproxy } from './syntax';

const PROXY_SECTION = /^[ \t]*(frontend|backend|listen)[ \t]+[^\s#]/m;

function detect(path: string, text: string): Detection {
  const name = basename(path).toLowerCase();
  if (!name.endsWith('.cfg') && !/haproxy/.test(name)) return false;
  return PROXY_SECTION.test(text) ? 'strong' : false;
}

/** The HAProxy module. */
export const haproxyFormat: FormatModule = { id: 'haproxy', detect, extract: extractHaproxy };
