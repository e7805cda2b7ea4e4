// A folder that appears whole or not at all: everything is written into a hidden temporary
// folder beside the destination, each file fsynced, and the folder renamed into place at the
// end. A failure (disk full, a crash) leaves the destination as it was, and at worst a
// `.NAME.PID.tmp` folder that says what it is. The destination may be any folder the operator
// names, but not a symbolic link (refused before anything is written, and again before the
// rename), and every file is created with O_EXCL|O_NOFOLLOW, so nothing planted at a name is
// ever followed.
import { createHash } from 'node:crypto';
import { constants, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from './errors.js';
import { openNewFile, refuseLink, syncFolder, WriteRefused } from './safe-write.js';

export interface BundleFile {
  /** Relative to the folder, with `/`. */
  name: string;
  bytes: number;
  sha256: string;
}

export class BundleFolder {
  /** Sub-folders made, whose entries must be made durable too. */
  private readonly dirs = new Set<string>();

  private constructor(
    /** Where the folder will be once committed. */
    readonly path: string,
    private readonly tmp: string,
  ) {}

  /** Refuses a destination that exists and is not an empty folder; nothing is created then. */
  static async create(path: string, what: string): Promise<BundleFolder> {
    const info = await refuseLink(path).catch((error: unknown) => {
      if (error instanceof WriteRefused) throw new UserError(`${error.message}; nothing was written. Give --out a new or empty folder for the ${what}.`);
      throw error;
    });
    if (info && (!info.isDirectory() || (await readdir(path)).length > 0)) {
      throw new UserError(`${path} already exists and is ${info.isDirectory() ? 'not empty' : 'a file'}; nothing was written. Give --out a new or empty folder for the ${what}.`);
    }
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await rm(tmp, { recursive: true, force: true }); // left by a crashed attempt of this same pid
      // 0700: the bundle holds command output and the audit trail.
      await mkdir(tmp, { mode: 0o700 });
    } catch (error) {
      throw new UserError(`cannot create the ${what} beside ${path} (${message(error)}); nothing was written. Check that its parent folder is writable.`, 1);
    }
    return new BundleFolder(path, tmp);
  }

  /** Writes one file (mode 0600) and fsyncs it. */
  async write(name: string, content: string | Uint8Array): Promise<BundleFile> {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const file = await openNewFile(await this.prepare(name), 0o600);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    return { name, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }

  /** A stream into a new file; `done()` ends it and fsyncs it. */
  async stream(name: string): Promise<{ stream: WriteStream; done: () => Promise<void> }> {
    const path = await this.prepare(name);
    const stream = (await openNewFile(path, 0o600)).createWriteStream();
    return {
      stream,
      done: async () => {
        stream.end();
        await once(stream, 'close');
        // The stream closed its descriptor; this file sits in the private temporary folder.
        const file = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
        await file.sync().finally(() => file.close());
      },
    };
  }

  /** Renames the folder into place (over an empty folder there) and makes the rename durable. */
  async commit(): Promise<void> {
    for (const dir of this.dirs) await syncFolder(dir);
    await syncFolder(this.tmp);
    await refuseLink(this.path); // planted while the bundle was written
    await rename(this.tmp, this.path);
    await syncFolder(dirname(this.path));
  }

  async discard(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
  }

  private async prepare(name: string): Promise<string> {
    const path = join(this.tmp, name);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    if (dirname(path) !== this.tmp) this.dirs.add(dirname(path));
    return path;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
