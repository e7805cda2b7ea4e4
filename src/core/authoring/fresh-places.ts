// Places where a file written whole replaces nothing anyone keeps:
// - `/run/…`: a tmpfs emptied at every boot (and at every container start), where services and
//   start-up scripts render the settings they read (`tpl … > /run/saslauthd.conf`);
// - apt's folders of repository signing keys (`/etc/apt/trusted.gpg.d/`, `/etc/apt/keyrings/`,
//   `/usr/share/keyrings/`): `curl -fsSL URL | gpg --dearmor > …/docker.gpg` lays down the key
//   a package source is signed with, one file per source, fetched afresh on each run.
// Removing a file there is still judged as any delete (a socket or pid file of a running daemon).

export function isFreshPlace(path: string): boolean {
  return /^\/run\/[^$`*?]+$/.test(path) || /^\/(etc\/apt\/(trusted\.gpg\.d|keyrings)|usr\/share\/keyrings)\/[^/$`*?]+\.(gpg|asc)$/.test(path);
}
