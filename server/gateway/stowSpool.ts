// A STOW-RS body spooled to a private file as it arrives, so that a gateway's memory stays flat
// however large the request (issue 21: a 1 GB STOW): the bytes are counted against the limit as
// they come, judged from the file (multipart.ts, partHeader.ts), and the same file is streamed to
// Orthanc (upstream.ts streamed), so the archive stores exactly the bytes that were judged.
// Each body gets a folder of its own under os.tmpdir() (mkdtemp: 0700, a name no one can guess)
// and a file opened exclusively with mode 0600; the caller removes it in a finally, and a client
// that aborts ends the read with an error after which it is removed here. A gateway killed
// mid-STOW leaves its folder behind: the first spool of a later process removes the folders of
// processes that no longer run (the process id is in the name).
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type ByteSource, FileSource } from './byteSource.ts';

const PREFIX = 'ctaw-stow-';

export interface SpooledBody {
  readonly size: number;
  /** Reads and searches over the spooled bytes. */
  readonly bytes: ByteSource;
  /** The spooled bytes from the start, for sending on. */
  stream(): Readable;
  /** Deletes the file and its folder (again is harmless). */
  remove(): Promise<void>;
}

/**
 * The body on disk, or null once it passes limitBytes. A declared Content-Length over the limit is
 * refused before anything is spooled. Past the limit the rest is read and dropped: answering 413
 * before the client has sent everything would reset the connection under it, and browsers then
 * report a network error instead of the 413 (Node's requestTimeout bounds the wait).
 */
export async function spoolBody(stream: NodeJS.ReadableStream | undefined, limitBytes: number, declaredBytes: number | null, root = tmpdir()): Promise<SpooledBody | null> {
  const chunks = (stream ?? Readable.from([])) as AsyncIterable<Buffer>;
  if (declaredBytes !== null && declaredBytes > limitBytes) {
    await drain(chunks);
    return null;
  }
  await sweepOnce(root);
  const dir = await mkdtemp(join(root, `${PREFIX}${process.pid}-`));
  const path = join(dir, 'body');
  let file: FileHandle | null = null;
  const remove = async () => {
    await file?.close().catch(() => {});
    file = null;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    file = await open(path, 'wx+', 0o600);
    let size = 0;
    // for await pulls the next chunk once this one is written: the socket is read no faster than
    // the disk takes it, so nothing piles up in memory. Past the limit the file goes at once and
    // the loop goes on dropping chunks (leaving it would destroy the request and its socket).
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > limitBytes) {
        if (file) await remove();
        continue;
      }
      await writeAll(file, chunk);
    }
    if (size > limitBytes) return null;
    const bytes = new FileSource(file, size);
    return { size, bytes, stream: () => createReadStream(path), remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

async function writeAll(file: FileHandle, chunk: Buffer): Promise<void> {
  for (let at = 0; at < chunk.length; ) {
    const { bytesWritten } = await file.write(chunk, at, chunk.length - at, null);
    at += bytesWritten;
  }
}

async function drain(chunks: AsyncIterable<Buffer>): Promise<void> {
  for await (const chunk of chunks) void chunk;
}

const swept = new Map<string, Promise<void>>();

/** Once per process and folder: folders left by gateways that were killed mid-STOW. */
function sweepOnce(root: string): Promise<void> {
  if (!swept.has(root)) swept.set(root, sweepStale(root).catch(() => {}));
  return swept.get(root)!;
}

async function sweepStale(root: string): Promise<void> {
  for (const name of await readdir(root)) {
    const pid = Number(new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (!pid || pid === process.pid || running(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true });
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
