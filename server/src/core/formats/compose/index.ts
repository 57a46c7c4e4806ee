/**
 * Docker compose files (compose spec, https://github.com/compose-spec/compose-spec/blob/master/spec.md):
 * `services.<name>.ports` (short and long syntax), `expose`, `network_mode`, `environment`,
 * `env_file`, `volumes`, `image`, `command`, with `${VAR}` interpolation from the `.env` file
 * beside the compose file (or, when there is none, `env.example` / `.env.example`).
 *
 * Facts, per `ports` entry: a `bind` of the published host port(s) in the host namespace and a
 * `reference` to the container target in the service's namespace ("compose:<dir>#<service>").
 * `expose` entries are binds in the service's namespace. With `network_mode: host` Docker ignores
 * `ports`: container ports are host binds instead.
 * A service that `extends` another (same file, or `extends.file`) gets the base's `ports` and
 * `expose` before its own (compose-spec 13-merge.md: sequences append; `!reset`/`!override` on
 * the extending service's key keep only its own), with the base file's spans; `network_mode`
 * and `profiles` are inherited too. `network_mode: service:<name>` (or `container:<name>` naming
 * a `container_name` of the file) puts the service in that service's namespace; its `ports` are
 * `invalid-port` (Docker publishes none). `include:` paths are returned in `includes`; merging
 * across a project's files (`!reset`/`!override`, profiles) is the resolver's (`resolve/compose`).
 * Findings: `invalid-port` (out of range, reversed ranges, malformed specs) and `parse-error`.
 * Each service also yields a `Workload` (kind `compose-service`) with its `profiles`, the
 * `COMPOSE_PROFILES` of the project's env file and the keys it tags `!reset`/`!override`.
 *
 * Layout: `detect.ts` (which files), `syntax.ts` (YAML), `extract.ts` (services and ports),
 * `workload.ts` (environment, env files, volumes, command), `scope.ts` (one file's state),
 * `place.ts` (places of interpolated parts). The port grammar shared with `docker run` and the
 * interpolation grammar are in `../docker/`.
 */
import type { FormatModule } from '../../model/facts';
import { detectCompose } from './detect';
import { extractCompose } from './extract';

export { splitCommand } from './workload';

/**
 * The compose format. detect: `strong` for compose-named files (`docker-compose*.yml`,
 * `compose*.yaml`, ...) with a top-level `services:` mapping; `weak` for compose-named files
 * without one and for other YAML whose top-level `services:` entries carry
 * `image:`/`build:`/`ports:`; `false` for Kubernetes manifests, CI workflows, Ansible, etc.
 */
export const composeFormat: FormatModule = {
  id: 'compose',
  detect: detectCompose,
  extract: extractCompose,
};
