import type { Writable } from 'node:stream';
import { columnLetters } from './sheet.js';
import { escapeAttribute, escapeText } from './xml.js';
import { ZipWriter, type ZipEntryWriter } from './zip-write.js';

/*
 * Writing a learners workbook as a stream: one sheet, every cell a text cell
 * (an inline string, so nothing is held back for a shared-string table) in
 * columns formatted as Text, so that no spreadsheet reads an id as a number
 * or a date — neither those written nor those typed in later.
 */

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const CONTENT_TYPES =
  `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
  '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
  '</Types>';

const ROOT_RELATIONSHIPS =
  `${XML}<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">` +
  `<Relationship Id="rId1" Type="${RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>` +
  '</Relationships>';

const WORKBOOK_RELATIONSHIPS =
  `${XML}<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">` +
  `<Relationship Id="rId1" Type="${RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>` +
  `<Relationship Id="rId2" Type="${RELATIONSHIPS}/styles" Target="styles.xml"/>` +
  '</Relationships>';

/** Style 0: General; 1: Text (number format 49, `@`); 2: Text in bold, for the header. */
const STYLES =
  `${XML}<styleSheet xmlns="${MAIN}">` +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

const workbookXml = (sheetName: string): string =>
  `${XML}<workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}"><bookViews><workbookView/></bookViews>` +
  `<sheets><sheet name="${escapeAttribute(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`;

/** Columns formatted as Text: the file's own and a few beyond (for `Reason`, `Deactivation Date` added by hand). */
const TEXT_COLUMNS = 26;

/** The sheet's opening: the header row frozen, the columns formatted as Text. */
const SHEET_START =
  `${XML}<worksheet xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}">` +
  '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
  `<sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="${TEXT_COLUMNS}" width="20" style="1" customWidth="1"/></cols><sheetData>`;
const SHEET_END = '</sheetData></worksheet>';

/** Sheet XML is handed to the deflater in pieces of about this many characters. */
const PIECE = 64 * 1024;

/** Rows of text cells written to a table file: a CSV file or a workbook's sheet. */
export interface TableWriter {
  row(cells: readonly string[]): Promise<void>;
  /** Completes the file (and ends the output unless it is kept open). */
  end(): Promise<void>;
}

const cellXml = (column: number, line: number, text: string, style: number): string => {
  if (text === '') return '';
  const space = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : '';
  return `<c r="${columnLetters(column)}${line}" s="${style}" t="inlineStr"><is><t${space}>${escapeText(text)}</t></is></c>`;
};

/**
 * A workbook written to `output` as rows come: `[Content_Types].xml`, the
 * relationships, the workbook (one sheet named `sheetName`), the styles, then
 * the sheet streamed; the first row is the header.
 */
export const workbookWriter = async (output: Writable, options: { readonly sheetName: string; readonly keepOpen?: boolean }): Promise<TableWriter> => {
  const zip = new ZipWriter(output);
  await zip.file('[Content_Types].xml', CONTENT_TYPES);
  await zip.file('_rels/.rels', ROOT_RELATIONSHIPS);
  await zip.file('xl/workbook.xml', workbookXml(options.sheetName));
  await zip.file('xl/_rels/workbook.xml.rels', WORKBOOK_RELATIONSHIPS);
  await zip.file('xl/styles.xml', STYLES);
  const sheet: ZipEntryWriter = await zip.entry('xl/worksheets/sheet1.xml');
  let pending = SHEET_START;
  let line = 0;
  const flush = async (): Promise<void> => {
    const piece = pending;
    pending = '';
    await sheet.write(piece);
  };
  return {
    row: async (cells) => {
      line++;
      const style = line === 1 ? 2 : 1;
      let xml = `<row r="${line}">`;
      for (let i = 0; i < cells.length; i++) xml += cellXml(i, line, cells[i]!, style);
      pending += `${xml}</row>`;
      if (pending.length >= PIECE) await flush();
    },
    end: async () => {
      pending += SHEET_END;
      await flush();
      await sheet.end();
      await zip.end();
      if (!options.keepOpen) {
        output.end();
        await new Promise<void>((resolve, reject) => {
          output.once('finish', resolve);
          output.once('error', reject);
        });
      }
    },
  };
};
