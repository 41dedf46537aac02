/**
 * The files of a numbered image sequence, in frame order: a folder (every PNG/TIFF/JPEG in
 * it), a printf pattern (`img_%04d.png`) or a glob in the file name (`img_*.tif`).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { InputError } from '../core/errors.js';

/** File extensions read as image-sequence frames. */
export const IMAGE_EXTENSIONS = ['.png', '.tif', '.tiff', '.jpg', '.jpeg'] as const;

const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** True when `path` names a sequence by pattern (contains %d, %0Nd, * or ?). */
export function isSequencePattern(path: string): boolean {
  const b = basename(path);
  return /%0?\d*d/.test(b) || /[*?]/.test(b);
}

function escapeRegex(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/**
 * List the frames of an image sequence.
 * @param path a folder, or a file-name pattern with %d / %0Nd (printf) or * / ? (glob)
 * @throws InputError when the folder is missing, mixes image types, or nothing matches
 */
export function listImageSequence(path: string): string[] {
  let dir: string;
  let files: string[];
  if (!isSequencePattern(path)) {
    dir = path;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      throw new InputError(`image folder not found: ${path}`, 'give a folder of PNG/TIFF/JPEG frames, a pattern like frames/img_%04d.png, or a video file');
    }
    files = names.filter((n) => !n.startsWith('.') && (IMAGE_EXTENSIONS as readonly string[]).includes(extname(n).toLowerCase()));
    const kinds = new Set(files.map((f) => extname(f).toLowerCase().replace('.jpeg', '.jpg').replace('.tiff', '.tif')));
    if (kinds.size > 1) {
      throw new InputError(`${path} mixes image types (${[...kinds].join(', ')})`, 'keep one kind of image per folder, or select them with a pattern such as img_*.png');
    }
    files.sort(natural.compare);
  } else {
    dir = dirname(path);
    const pat = basename(path);
    let re: RegExp;
    let numbered = false;
    if (/%0?\d*d/.test(pat)) {
      numbered = true;
      const parts = pat.split(/(%0?\d*d)/);
      re = new RegExp(
        '^' +
          parts
            .map((p) => {
              const m = /^%(0?)(\d*)d$/.exec(p);
              if (!m) return escapeRegex(p);
              return m[1] === '0' && m[2] ? `(\\d{${Number(m[2])}})` : '(\\d+)';
            })
            .join('') +
          '$',
      );
    } else {
      re = new RegExp('^' + pat.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRegex(c))).join('') + '$');
    }
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      throw new InputError(`folder of the image pattern not found: ${dir}`, 'check the path of the pattern');
    }
    files = names.filter((n) => re.test(n));
    if (numbered) {
      const numOf = (n: string) => Number((re.exec(n) as RegExpExecArray)[1]);
      files.sort((a, b) => numOf(a) - numOf(b) || natural.compare(a, b));
    } else {
      files.sort(natural.compare);
    }
  }
  const full = files.map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
  if (full.length === 0) {
    throw new InputError(`no PNG/TIFF/JPEG frames found at ${path}`, 'give a folder of images, or a pattern such as frames/img_%04d.png or frames/*.tif');
  }
  return full;
}
