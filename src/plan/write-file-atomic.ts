/**
 * Writes a file all at once: the text goes to a temporary file beside the target, which is then
 * renamed over it, so an interrupted run never leaves half a file. A folder that does not exist
 * is an InputFileError naming the target.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputFileError } from '../core/errors.js';

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileError(file, undefined, `cannot write (${code === 'ENOENT' ? 'its folder does not exist' : (code ?? String(err))})`);
  }
}
