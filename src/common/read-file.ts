// Reading files through node:fs's callbacks, not node:fs/promises: importing that module loads Node's
// streams and readline (~2.5 ms of a 50 ms `validate`), and checking an experiment needs neither.
import { readFile, type Stats, stat } from "node:fs";

/** A file's text, read as UTF-8; rejects with the same errors as fs/promises' readFile. */
export function readTextFile(path: string): Promise<string> {
  return new Promise((resolve, reject) =>
    readFile(path, "utf8", (error, text) => (error ? reject(error) : resolve(text))),
  );
}

/** fs/promises' stat: follows symbolic links. */
export function statFile(path: string): Promise<Stats> {
  return new Promise((resolve, reject) =>
    stat(path, (error, stats) => (error ? reject(error) : resolve(stats))),
  );
}
