// A third-party apt repository is added by writing its signing key and its source line whole:
// `curl … | gpg --dearmor > /etc/apt/trusted.gpg.d/x.gpg`, `… | tee /usr/share/keyrings/x.gpg`,
// `echo "deb …" > /etc/apt/sources.list.d/x.list`. Each file is one repository's own, named for
// it, and writing it again sets which repository (and key) apt trusts; nothing a person kept is
// lost. Measured on real installers (the Sentry workstation setup, spilo, umbrel, jitsi,
// HestiaCP, bbb-install, ProxmoxVE), the labellers never called such a write destructive, while
// an edit or a delete of an entry, and any whole write of the shared `/etc/apt/sources.list`,
// stay findings (their own rules, and generated-writes.ts for the shared file).

/** The folders where apt keeps one file per repository: its key rings and its source list drop-ins. */
const REPOSITORY_FILE = /^\/(etc\/apt\/(trusted\.gpg\.d|keyrings|sources\.list\.d)|usr\/share\/keyrings)\/[^/*?]+$/;

/** Whether a whole write of `path` (resolved) lays down one apt repository's key or source entry. */
export function isAptRepositoryFile(path: string): boolean {
  return REPOSITORY_FILE.test(path);
}
