/**
 * systemd unit files (id `systemd`): `.service` units and their drop-ins (workload, port flags
 * of `ExecStart=`, environment) and `.socket` units (`ListenStream=` / `ListenDatagram=`).
 *
 * File syntax per systemd.syntax(7) (`syntax.ts`); command lines per systemd.service(5)
 * "Command lines" (`command-line.ts`); environment per systemd.exec(5) and sockets per
 * systemd.socket(5) (`extract.ts`); `detect.ts` classifies files. Pure: other files are read
 * only through the extraction context.
 */
import type { FormatModule } from '../../model/facts';
import { detectUnit } from './detect';
import { extractUnit } from './extract';

export { unitNameOf } from './extract';
export { parseUnitFile, type UnitEntry, type UnitFile, type UnitSection, type UnitSyntax } from './syntax';

/**
 * systemd units: strong for `*.service` / `*.socket` files with a `[Unit]`, `[Service]`,
 * `[Socket]` or `[Install]` section, and for drop-ins `*.service.d/*.conf` /
 * `*.socket.d/*.conf` with a `[Service]` or `[Socket]` section; false for everything else
 * (supervisord, php-fpm pools, dovecot, git config, ...).
 *
 * A service (or its drop-in) yields a `systemd-unit` Workload (program and arguments of the
 * first `ExecStart=` after the last empty reset, environment from `Environment=` and
 * `EnvironmentFile=`) and `bind` facts for listening-port flags of `ExecStart=` (`--port 8080`,
 * `--listen=127.0.0.1:8080`, `-p 5432`, `--web.listen-address=:9100`, ...). A socket yields
 * `bind` facts for `ListenStream=` (tcp) and `ListenDatagram=` (udp), with the instance of the
 * service it activates. An `ExecStart=` that runs `docker run` / `podman run` is handed to the
 * docker-run module instead of the flag scan. Each file is read on its own (a drop-in is not
 * merged with its unit).
 */
export const systemdFormat: FormatModule = {
  id: 'systemd',
  detect: detectUnit,
  extract: extractUnit,
};
