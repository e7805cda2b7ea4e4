// `cp -f "$f" "$f.$DATE"` and `cp -f "$DIR/$arg" "$HOME/$arg.$VERSION"` put a copy aside under a
// name made for this run or this release, beside the file it copies: the name is new, so the
// copy replaces nothing anyone kept (iRedMail's dated backups of a config before editing it,
// CyberPanel's LiteSpeed installer keeping each release's binary under its version). The `-f`
// only matters when the same date or version runs twice.

/** `.$VAR` / `.${VAR}` added to a name. */
const ADDED_VARIABLE = /^\.\$\{?([A-Za-z_]\w*)\}?$/;
/** A word of a variable's name that says it holds a date, a time or a version (`$DATE`, `${BACKUP_DATE}`, `$VERSION`, `$ts`). */
const STAMP_WORD = /^(date|datetime|time|timestamp|version|ver|stamp|ts|now|today)$/i;

/** Whether `dest` is `source`'s name (or the same last word) with `.$DATE`/`.$VERSION` added. */
export function copiedAsideUnderStamp(source: string, dest: string): boolean {
  const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
  const from = base(source);
  const to = base(dest);
  const variable = ADDED_VARIABLE.exec(to.slice(from.length))?.[1];
  return from !== '' && to.startsWith(from) && variable !== undefined && variable.split('_').some((w) => STAMP_WORD.test(w));
}
