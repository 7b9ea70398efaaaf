import { TextDecoder } from 'node:util';
import { attributeOf, unescapeCellText, XmlReader, type XmlHandler } from './xml.js';
import { ZipError, type ZipArchive } from './zip-read.js';

/*
 * The parts of a workbook around its sheets: where the workbook part is, its
 * sheets in order, its date system, the shared strings its cells refer to
 * and which cell styles are dates.
 */

/** A workbook the import cannot read: a part missing or damaged. */
export class WorkbookError extends Error {}

/** Shared strings kept at most (bytes of UTF-8): a workbook of a million learners has about 50 MB. */
const MAX_SHARED_BYTES = 1 << 30;

/**
 * The shared strings, kept compact: one buffer of UTF-8 and the end of each
 * string in it (a JavaScript string per entry would cost several times more
 * for the millions a large workbook holds).
 */
export class SharedStrings {
  private bytes = Buffer.alloc(1 << 16);
  private used = 0;
  private ends = new Uint32Array(1 << 10);
  count = 0;

  add(text: string): void {
    const length = Buffer.byteLength(text);
    if (this.used + length > this.bytes.length) {
      if (this.used + length > MAX_SHARED_BYTES) throw new WorkbookError(`The workbook's shared strings exceed ${MAX_SHARED_BYTES} bytes`);
      const grown = Buffer.alloc(Math.min(MAX_SHARED_BYTES, Math.max(this.bytes.length * 2, this.used + length)));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.bytes.write(text, this.used);
    this.used += length;
    if (this.count === this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.ends[this.count++] = this.used;
  }

  get(index: number): string | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
    return this.bytes.toString('utf8', index === 0 ? 0 : this.ends[index - 1]!, this.ends[index]!);
  }
}

/** Built-in number formats that show a date or time. */
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** Whether a custom number format shows a date: a d, m, y, h or s outside quotes, escapes and brackets such as [Red]. */
const isDateFormat = (code: string): boolean => /[dmyhs]/i.test(code.replace(/"[^"]*"|\\.|\[[^\]]*\]|_.|\*./g, '').replace(/General/gi, ''));

export interface Workbook {
  /** The sheets in workbook order: name and part. */
  readonly sheets: readonly { readonly name: string; readonly part: string }[];
  readonly date1904: boolean;
  readonly sharedStrings: SharedStrings;
  /** Whether cells of style `index` show dates (their numbers are date serials). */
  readonly dateStyles: ReadonlySet<number>;
}

/** Streams a part through an XML handler. */
export const scanPart = async (zip: ZipArchive, part: string, handler: XmlHandler): Promise<void> => {
  const entry = zip.entry(part);
  if (!entry) throw new WorkbookError(`The workbook has no part ${part}`);
  const reader = new XmlReader(handler);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const bytes of zip.read(entry)) reader.write(decoder.decode(bytes, { stream: true }));
    reader.write(decoder.decode());
    reader.end();
  } catch (error) {
    if (error instanceof ZipError || error instanceof WorkbookError) throw error;
    throw new WorkbookError(`The part ${part} is not readable XML: ${(error as Error).message}`);
  }
};

const opens = (on: (name: string, attributes: Readonly<Record<string, string>>) => void): XmlHandler => ({
  open: on,
  close: () => undefined,
  text: () => undefined,
});

/** The relationships of a part: id → type and target part, targets resolved against the part's folder. */
const relationships = async (zip: ZipArchive, part: string): Promise<Map<string, { type: string; target: string }>> => {
  const slash = part.lastIndexOf('/');
  const folder = part.slice(0, slash + 1);
  const found = new Map<string, { type: string; target: string }>();
  const rels = `${folder}_rels/${part.slice(slash + 1)}.rels`;
  if (!zip.entry(rels)) return found;
  await scanPart(zip, rels, opens((name, a) => {
    if (name !== 'Relationship' || a['Id'] === undefined || a['Target'] === undefined) return;
    found.set(a['Id'], { type: a['Type'] ?? '', target: resolvePart(folder, a['Target']) });
  }));
  return found;
};

/** A relationship target as a part name: absolute (`/xl/…`) or relative to the folder (`worksheets/…`, `../…`). */
const resolvePart = (folder: string, target: string): string => {
  const parts = (target.startsWith('/') ? target.slice(1) : folder + target).split('/');
  const resolved: string[] = [];
  for (const p of parts) {
    if (p === '..') resolved.pop();
    else if (p !== '.' && p !== '') resolved.push(p);
  }
  return resolved.join('/');
};

/** The shared strings part: each `<si>` is the text of its `<t>` elements, phonetic runs (`<rPh>`) left out. */
const readSharedStrings = async (zip: ZipArchive, part: string, strings: SharedStrings): Promise<void> => {
  let inText = false;
  let phonetic = 0;
  let text = '';
  await scanPart(zip, part, {
    open(name) {
      if (name === 'si') text = '';
      else if (name === 'rPh') phonetic++;
      else if (name === 't' && phonetic === 0) inText = true;
    },
    close(name) {
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si') strings.add(unescapeCellText(text));
    },
    text(value) {
      if (inText) text += value;
    },
  });
};

/** The styles part: which cell styles (`cellXfs` entries) show dates. */
const readDateStyles = async (zip: ZipArchive, part: string): Promise<Set<number>> => {
  const custom = new Map<number, string>();
  const styleFormats: number[] = [];
  let inCellXfs = false;
  await scanPart(zip, part, {
    open(name, a) {
      if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'numFmt') custom.set(Number(a['numFmtId']), a['formatCode'] ?? '');
      else if (name === 'xf' && inCellXfs) styleFormats.push(Number(a['numFmtId'] ?? 0));
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
    text: () => undefined,
  });
  const dates = new Set<number>();
  styleFormats.forEach((id, index) => {
    const code = custom.get(id);
    if (code !== undefined ? isDateFormat(code) : DATE_FORMAT_IDS.has(id)) dates.add(index);
  });
  return dates;
};

const OFFICE_DOCUMENT = /\/officeDocument$/;

/** Reads the parts around the sheets: the workbook, its relationships, shared strings and styles. */
export const openWorkbook = async (zip: ZipArchive): Promise<Workbook> => {
  const root = await relationships(zip, '');
  const workbookPart = [...root.values()].find((r) => OFFICE_DOCUMENT.test(r.type))?.target ?? 'xl/workbook.xml';
  if (!zip.entry(workbookPart)) throw new WorkbookError('The file is a ZIP archive without a workbook part: it is not an XLSX workbook');
  const rels = await relationships(zip, workbookPart);
  const sheets: { name: string; part: string }[] = [];
  let date1904 = false;
  await scanPart(zip, workbookPart, opens((name, a) => {
    if (name === 'workbookPr') date1904 = a['date1904'] === '1' || a['date1904'] === 'true';
    if (name !== 'sheet') return;
    const id = attributeOf(a, 'id');
    const target = id !== undefined ? rels.get(id) : undefined;
    if (target && /\/worksheet$/.test(target.type)) sheets.push({ name: a['name'] ?? '', part: target.target });
  }));
  const sharedStrings = new SharedStrings();
  const byType = (suffix: RegExp) => [...rels.values()].find((r) => suffix.test(r.type))?.target;
  const stringsPart = byType(/\/sharedStrings$/);
  if (stringsPart && zip.entry(stringsPart)) await readSharedStrings(zip, stringsPart, sharedStrings);
  const stylesPart = byType(/\/styles$/);
  const dateStyles = stylesPart && zip.entry(stylesPart) ? await readDateStyles(zip, stylesPart) : new Set<number>();
  return { sheets, date1904, sharedStrings, dateStyles };
};
