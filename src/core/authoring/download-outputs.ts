// The file a download writes, so what it fetched counts as the run's own (a later `tar -x`, `rm`
// or `>` of it touches nothing anyone kept). Besides `curl -o F` and `wget -O F`, installers
// write downloads under the name their address gives: `wget URL` and `curl -O URL` save
// `lsmcd.tar.gz` in the working folder, and short options are bundled (`curl -Lo F`,
// `curl -fsSLO URL`, `wget -qO F`). Seen on CyberPanel, pterodactyl-installer and NextCloudPi,
// each followed by a `tar -x` of that very file.
import { operands } from './command-args.js';

/** curl's short options that take a value: the rest of a bundle after one is that value. */
const CURL_VALUED = new Set([...'oHdXuAewmTFbcxrCKEyYzQtPU']);
/** wget's short options that take a value. */
const WGET_VALUED = new Set([...'OoPaeitTwQUBDXIRAl']);
const CURL_LONG_VALUED = new Set(['--output', '--header', '--data', '--data-binary', '--data-raw', '--request', '--user', '--user-agent', '--referer', '--write-out', '--max-time', '--upload-file', '--form', '--cookie', '--cookie-jar', '--proxy', '--range', '--connect-timeout', '--retry', '--retry-delay', '--retry-max-time', '--config', '--cert', '--cacert', '--key', '--resolve', '--output-dir']);
const WGET_LONG_VALUED = new Set(['--output-document', '--output-file', '--directory-prefix', '--append-output', '--execute', '--input-file', '--tries', '--timeout', '--wait', '--quota', '--user-agent', '--header', '--user', '--password', '--post-data', '--post-file', '--load-cookies', '--save-cookies']);

interface Read {
  /** The file named with -o/-O (curl/wget), bundled or not. */
  named?: string;
  /** curl -O / --remote-name: the address's last part. */
  remoteName: boolean;
  /** wget -P DIR. */
  folder?: string;
}

function readOptions(args: readonly string[], valued: ReadonlySet<string>, outputFlag: string, remoteFlag: string | null, folderFlag: string | null): Read {
  const read: Read = { remoteName: false };
  for (let n = 0; n < args.length; n++) {
    const arg = args[n] ?? '';
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') continue;
    if (arg.startsWith('--')) {
      const [option = '', inline] = arg.split(/=(.*)/s);
      if (option === '--remote-name' && remoteFlag !== null) read.remoteName = true;
      const value = inline ?? ((outputFlag === 'o' ? CURL_LONG_VALUED : WGET_LONG_VALUED).has(option) ? args[++n] : undefined);
      if (option === '--output' || option === '--output-document') read.named = value;
      if (option === '--directory-prefix') read.folder = value;
      continue;
    }
    for (let k = 1; k < arg.length; k++) {
      const flag = arg[k] ?? '';
      if (flag === remoteFlag) read.remoteName = true;
      if (!valued.has(flag)) continue;
      const value = k + 1 < arg.length ? arg.slice(k + 1) : args[++n];
      if (flag === outputFlag) read.named = value;
      if (flag === folderFlag) read.folder = value;
      break;
    }
  }
  return read;
}

/** The address's last part, as curl -O and wget name what they save. */
function nameFromAddress(args: readonly string[]): string | undefined {
  const url = operands(args).find((w) => /^(https?|ftp):\/\//.test(w));
  const last = url?.split(/[?#]/)[0]?.replace(/\/+$/, '').split('/').pop();
  return last !== undefined && last !== '' && !/^(https?|ftp):$/.test(last) ? last : undefined;
}

/** The file a curl or wget call writes, or undefined when it writes to standard output or cannot be told. */
export function downloadedFile(name: string, args: readonly string[]): string | undefined {
  if (args.includes('--spider')) return undefined;
  if (name === 'curl') {
    const read = readOptions(args, CURL_VALUED, 'o', 'O', null);
    if (read.named !== undefined) return read.named === '-' ? undefined : read.named;
    return read.remoteName ? nameFromAddress(args) : undefined;
  }
  if (name === 'wget') {
    const read = readOptions(args, WGET_VALUED, 'O', null, 'P');
    if (read.named !== undefined) return read.named === '-' ? undefined : read.named;
    const saved = nameFromAddress(args);
    if (saved === undefined) return undefined;
    return read.folder !== undefined ? `${read.folder.replace(/\/+$/, '')}/${saved}` : saved;
  }
  return undefined;
}
