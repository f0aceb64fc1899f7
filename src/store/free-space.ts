import { statfs } from 'node:fs/promises';

/*
 * Whether the disk under a SQLite database has room left, for /healthz. SQLite fails a write with
 * SQLITE_FULL once the file system has no block to give; below this many free bytes the next
 * transaction that grows the log may be that write, so the probe says so before and while it
 * happens. Postgres keeps its files on its own server: its disk is its operator's to watch.
 */
export const STORAGE_LOW_BYTES = 1 << 20;

export async function storageState(directory: string): Promise<'ok' | 'full'> {
  const { bavail, bsize } = await statfs(directory);
  return bavail * bsize < STORAGE_LOW_BYTES ? 'full' : 'ok';
}
