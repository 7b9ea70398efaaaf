import { PassThrough } from 'node:stream';
import { exportLearners, type ExportLearnersOptions } from '../src/index.js';
import type { Ledger } from '@learner-ledger/core';
import { workbookWriter } from '../src/xlsx/write.js';
import { ZipWriter } from '../src/xlsx/zip-write.js';

/** Everything a writable receives, once it has finished. */
const collect = (): { output: PassThrough; bytes: Promise<Buffer> } => {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const bytes = new Promise<Buffer>((resolve, reject) => {
    output.on('end', () => resolve(Buffer.concat(chunks)));
    output.on('error', reject);
  });
  return { output, bytes };
};

/** An XLSX export's bytes. */
export const exportWorkbook = async (ledger: Ledger, options: Omit<ExportLearnersOptions, 'output' | 'fileType'>): Promise<Buffer> => {
  const { output, bytes } = collect();
  await exportLearners(ledger, { ...options, output, fileType: 'xlsx' });
  return bytes;
};

/** A workbook of text rows, written by the library's own writer (header first), on a sheet of this name. */
export const workbookOf = async (rows: readonly (readonly string[])[], sheetName = 'data-services'): Promise<Buffer> => {
  const { output, bytes } = collect();
  const writer = await workbookWriter(output, { sheetName });
  for (const row of rows) await writer.row(row);
  await writer.end();
  return bytes;
};

/**
 * A workbook whose sheet XML is given as it is, the way other spreadsheets
 * write cells (shared strings aside): numbers, booleans, formulas, errors;
 * `prolog` goes between the sheet's XML declaration and its root element.
 */
export const rawWorkbook = async (sheetData: string, options: { sheetName?: string; styles?: string; prolog?: string } = {}): Promise<Buffer> => {
  const { output, bytes } = collect();
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const zip = new ZipWriter(output);
  await zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>');
  await zip.file('_rels/.rels', `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
  await zip.file('xl/workbook.xml', `<?xml version="1.0"?><workbook xmlns="${main}" xmlns:r="${rel}"><sheets><sheet name="${options.sheetName ?? 'Sheet1'}" sheetId="1" r:id="rId1"/></sheets></workbook>`);
  await zip.file('xl/_rels/workbook.xml.rels', `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/>${options.styles ? `<Relationship Id="rId2" Type="${rel}/styles" Target="styles.xml"/>` : ''}</Relationships>`);
  if (options.styles) await zip.file('xl/styles.xml', `<?xml version="1.0"?><styleSheet xmlns="${main}">${options.styles}</styleSheet>`);
  await zip.file('xl/worksheets/sheet1.xml', `<?xml version="1.0"?>${options.prolog ?? ''}<worksheet xmlns="${main}"><sheetData>${sheetData}</sheetData></worksheet>`);
  await zip.end();
  output.end();
  return bytes;
};

/** An inline-string cell. */
export const text = (ref: string, value: string): string => `<c r="${ref}" t="inlineStr"><is><t>${value}</t></is></c>`;

/** A row of inline-string cells from column A. */
export const textRow = (line: number, values: readonly string[]): string =>
  `<row r="${line}">${values.map((v, i) => (v === '' ? '' : text(`${String.fromCharCode(65 + i)}${line}`, v))).join('')}</row>`;
