import fs from "node:fs";
import lockfile from "proper-lockfile";

/**
 * PGlite has no lock of its own: a second process opening the same folder silently loses writes.
 * We hold an exclusive lock (proper-lockfile: an atomic mkdir refreshed every second, taken over
 * only when stale, i.e. its holder died) for as long as the database is open.
 */
export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `The data folder ${dataDir} is in use by another Bookstream process. ` +
        `Stop that process first, or use a different DATA_DIR (or DATABASE_URL for PostgreSQL, which allows several processes).`,
    );
    this.name = "DataDirLockedError";
  }
}

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    // A holder that was killed stops refreshing; after `stale` ms the lock can be taken over.
    // Retry a little longer than that so a restart right after kill -9 still succeeds.
    return await lockfile.lock(dataDir, {
      stale: 5000,
      update: 1000,
      retries: { retries: 8, minTimeout: 800, maxTimeout: 800, factor: 1 },
      lockfilePath: `${dataDir}/.bookstream.lock`,
      realpath: false,
      onCompromised: (err) => {
        // Someone removed our lock: writing on would risk the data. Stop the process.
        console.error(`Lost the lock on ${dataDir}: ${err.message}. Exiting to protect the data.`);
        process.exit(70);
      },
    });
  } catch (err: any) {
    if (err?.code === "ELOCKED") throw new DataDirLockedError(dataDir);
    throw err;
  }
}
