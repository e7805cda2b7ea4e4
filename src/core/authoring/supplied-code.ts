// A file a script tests for before running it is either code someone else drops in (a hook, a
// module the caller names) or one of the project's own programs that may not be installed yet
// (netdata's `[ -x "${NETDATA_PREFIX}/usr/sbin/netdata" ]`, microk8s' `${SNAP_DATA}/bin/istioctl`,
// jitsi's `$ACME_HOME/acme.sh`, Virtualmin's `slib.sh` beside the installer, the board
// package's `platform_install.sh`). Measured on those sets, the labels call only the first kind
// "cannot tell what runs", and the script says which it is by the name: a hook or override is
// named as one (also `pre-…`/`post-…`), and a module picked by the caller has a variable in its
// name.

/** Words a path uses for code someone else supplies. */
const SUPPLIED = /^(hooks?|custom|overrides?|pre|post)$/i;

/** Whether a tested-for file to run is named as someone else's code (a hook, an override, a name from a variable). */
export function namedAsSuppliedCode(path: string): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (/[$`]/.test(last)) return true;
  return path.split(/[/._-]+/).some((w) => SUPPLIED.test(w));
}
