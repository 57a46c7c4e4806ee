/**
 * Dockerfiles (`Dockerfile`, `Dockerfile.<name>`, `Dockerfile-<name>`, `<name>.Dockerfile`). The module yields no port
 * facts (`EXPOSE` only documents a port; the compose `ports`/`expose` that run the image carry the
 * facts); it makes a Dockerfile part of the workspace so the resolver can follow its `COPY`/`ADD`
 * lines (`syntax.ts`) and move the configs they copy into the image's network namespace.
 */
import type { Detection, FormatModule } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { basename } from '../../model/paths';

export { dockerCopies, dockerImage, type DockerCopy, type DockerImage } from './syntax';

/** Whether `path` is named like a Dockerfile: `Dockerfile`, `Dockerfile.<x>`, `Dockerfile-<x>`, `<x>.Dockerfile` (case-insensitive). */
export function isDockerfileName(path: string): boolean {
  return /^(dockerfile([.-].+)?|.+\.dockerfile)$/i.test(basename(path));
}

export const dockerfileFormat: FormatModule = {
  id: 'dockerfile',
  detect(path: string): Detection {
    return isDockerfileName(path) ? 'strong' : false;
  },
  extract() {
    return emptyResult();
  },
};
