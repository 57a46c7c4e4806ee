/**
 * nginx configuration files (id `nginx`). The module is split by stage:
 * - ./syntax: tokenizer and block parser with exact offsets (ngx_conf_read_token's grammar);
 * - ./detect: the cheap classification by path and text shape;
 * - ./contexts: `main`/`http`/`stream`/`mail`/`server`/`upstream` contexts and the tree walk;
 * - ./includes: `include` resolution and what the include tree tells about a file;
 * - ./hostport: host and port inside a word (`proxy_pass` URLs, upstream servers);
 * - ./extract: the port facts of one file (`listen`, `*_pass`, `upstream`, `return`, `rewrite`).
 */
import type { FormatModule } from '../../model/facts';
import { detectNginx } from './detect';
import { extractNginx } from './extract';

export { parseNginx, MAX_BLOCK_DEPTH } from './syntax';
export type { NginxDirective, NginxParse, NginxSyntaxError, NginxWord } from './syntax';
export { detectNginx } from './detect';
export { extractNginx } from './extract';
export { MAX_INCLUDE_DEPTH, nginxPrefix, resolveInclude } from './includes';

/** The nginx format module: {@link detectNginx} and {@link extractNginx}. Neither throws. */
export const nginxFormat: FormatModule = {
  id: 'nginx',
  detect: detectNginx,
  extract: extractNginx,
};
