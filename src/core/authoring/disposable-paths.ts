// Paths whose whole tree a run may remove without losing anything an operator keeps:
// - caches: a package manager's lists (`/var/lib/apt/lists`), `/var/cache/…`, a user's
//   `~/.cache`, `node_modules`, `__pycache__`, a folder named for what it caches (`twig-cache`). A
//   bare `cache` folder is left out: an application may keep data it cannot fetch again there. The labelled
//   scripts clear them after a build or an install, and every labeller judged that harmless; the
//   program fetches or rebuilds what it needs;
// - a folder or file named outright under /tmp, /var/tmp or /dev/shm (`/tmp/z-push`, `/tmp/pear`):
//   scratch space the run unpacked or built into. A glob there (`/tmp/*`, `/tmp/app-sandbox.*`)
//   takes whatever matches, other programs' and earlier runs' files too, so it stays a finding.
// A path that climbs out with `..` is neither.

/** One part of a path that names a cache folder. */
const CACHE_PART = /^(\.cache|__pycache__|node_modules|[\w.-]+[-_]cache)$/;

export function isCachePath(path: string): boolean {
  const parts = path.split('/');
  if (parts.includes('..')) return false;
  return /^\/var\/(lib\/apt\/lists|cache)(\/|$)/.test(path) || parts.some((p) => CACHE_PART.test(p));
}

/** `/tmp/NAME…` with NAME spelt out (no glob, brace or expansion): what the run put there. */
export function isNamedScratch(path: string): boolean {
  const m = /^(?:\/tmp|\/var\/tmp|\/dev\/shm)\/([^/]+)(\/.*)?$/.exec(path);
  if (!m || path.split('/').includes('..')) return false;
  return !/[*?[{$`]/.test(m[1] ?? '');
}
