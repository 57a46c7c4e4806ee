/**
 * Which YAML files are compose files: by name (compose-spec "Compose file": `compose.yaml`,
 * `compose.yml`, `docker-compose.yaml`, `docker-compose.yml`, and their override variants) and
 * by a look at the top level, without parsing the YAML.
 */
import type { Detection } from '../../model/facts';
import { basename } from '../../model/paths';

/** docker-compose*.yml / compose*.yaml and the like. */
const COMPOSE_NAME = /^(docker-)?compose([.-][^/]*)?\.ya?ml$/i;

/** Top-level keys that mark a file as something else than compose. */
const FOREIGN = /^(apiVersion|kind|jobs|on|hosts|stages|pipeline|steps|workflows)\s*:/m;

/** True when the top level has `services:` followed by an indented mapping (not a list). */
function hasServicesMapping(text: string): boolean {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^services\s*:\s*(.*?)\s*$/.exec(lines[i]!.replace(/\r$/, ''));
    if (!m) continue;
    const rest = m[1]!.replace(/\s+#.*$/, '');
    if (rest.startsWith('{')) return true;
    if (rest !== '' && !rest.startsWith('#') && !rest.startsWith('&')) return false;
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!.replace(/\r$/, '');
      if (l.trim() === '' || l.trim().startsWith('#')) continue;
      return /^\s+[^\s#-][^:]*:/.test(l);
    }
    return false;
  }
  return false;
}

/**
 * `strong` for compose-named files (`docker-compose*.yml`, `compose*.yaml`, ...) with a
 * top-level `services:` mapping; `weak` for compose-named files without one that have other
 * compose top-level keys, and for other YAML whose top-level `services:` entries carry
 * `image:`/`build:`/`ports:`; `false` for non-YAML names, GitHub and GitLab CI files, Kubernetes
 * manifests, Ansible playbooks (top-level lists) and the like.
 */
export function detectCompose(path: string, text: string): Detection {
  const name = basename(path);
  if (!/\.ya?ml$/i.test(name)) return false;
  if (/(^|\/)\.github\//.test(path) || /^\.gitlab-ci\.ya?ml$/i.test(name)) return false;
  if (FOREIGN.test(text) || /^([ \t]*(#.*)?\r?\n)*(---[ \t]*\r?\n)?- /.test(text)) return false;
  const services = hasServicesMapping(text);
  if (COMPOSE_NAME.test(name)) {
    if (services) return 'strong';
    return /^(version|volumes|networks|include|name|x-[\w-]+)\s*:/m.test(text) ? 'weak' : false;
  }
  return services && /^[ \t]+(image|build|ports)\s*:/m.test(text) ? 'weak' : false;
}
