/**
 * `mkdir -p` whose failure names the real cause: Node's recursive mkdir reports ENOENT when a
 * parent cannot be written (read-only file system, no permission), which reads as "a folder is
 * missing". The nearest existing ancestor is checked for writing and its cause is reported.
 */
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { asFileSystemError, FileSystemError, fileSystemCode } from './errors.js';

export function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    let existing = path.dirname(path.resolve(dir));
    while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
    try {
      accessSync(existing, constants.W_OK);
    } catch (denied) {
      const code = fileSystemCode(denied);
      if (code !== undefined) throw new FileSystemError('create', dir, code, { cause: err });
    }
    throw asFileSystemError(err, dir, 'create');
  }
}
