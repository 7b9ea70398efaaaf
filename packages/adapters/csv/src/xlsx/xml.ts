import { SaxesParser, type SaxesTagPlain } from 'saxes';

/*
 * The XML of a workbook's parts, read as a stream of tags and text by saxes
 * (which expands no entity beyond XML's five; a document type is refused
 * outright), and written with its special characters escaped. Namespaces
 * matter to a workbook only by their prefixes, which are dropped.
 */

/** What the reader reports: tags by their local name (prefix dropped), attributes as written (see `attributeOf`), decoded text. */
export interface XmlHandler {
  /** A start tag; a self-closing tag is reported as a start tag and its end tag. */
  open(name: string, attributes: Readonly<Record<string, string>>): void;
  close(name: string): void;
  text(text: string): void;
}

/** XML the reader refuses: a document type, or text or a tag longer than any a workbook holds. */
export class XmlError extends Error {}

/** Text or one tag may be at most this long (characters): a cell holds at most 32,767. */
const MAX_PENDING = 8 * 1024 * 1024;

const localName = (qualified: string): string => {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
};

/** An attribute by its local name, whatever its prefix (`r:id` for `id`). */
export const attributeOf = (attributes: Readonly<Record<string, string>>, name: string): string | undefined => {
  if (attributes[name] !== undefined) return attributes[name];
  for (const qualified in attributes) if (localName(qualified) === name) return attributes[qualified];
  return undefined;
};

/**
 * A streaming XML reader: feed it text in pieces of any size, it reports
 * tags and text as soon as they are complete. Comments and processing
 * instructions are skipped, CDATA is text; a document type is refused.
 */
export class XmlReader {
  private readonly parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  /** Characters written since the parser last reported something: what it holds back. */
  private pending = 0;

  constructor(handler: XmlHandler) {
    const { parser } = this;
    parser.on('doctype', () => {
      throw new XmlError('A document type declaration (<!DOCTYPE …>) is not allowed in a workbook');
    });
    parser.on('opentag', (tag: SaxesTagPlain) => {
      this.pending = 0;
      handler.open(localName(tag.name), tag.attributes);
    });
    parser.on('closetag', (tag: SaxesTagPlain) => {
      this.pending = 0;
      handler.close(localName(tag.name));
    });
    const text = (value: string): void => {
      this.pending = 0;
      handler.text(value);
    };
    parser.on('text', text);
    parser.on('cdata', text);
  }

  write(chunk: string): void {
    this.parser.write(chunk);
    this.pending += chunk.length;
    if (this.pending > MAX_PENDING) throw new XmlError(`A value or tag longer than ${MAX_PENDING} characters`);
  }

  /** The end of the input: a construct left open is an error. */
  end(): void {
    this.parser.close();
  }
}

// Characters XML 1.0 cannot hold (controls other than tab and line breaks, lone surrogates, U+FFFE/U+FFFF) and the
// spelling `_xHHHH_` that spreadsheets use for them (escaped itself when the text holds it literally).
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|_(?=x[0-9a-fA-F]{4}_)/g;
const hex4 = (c: string): string => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;

/** Text for a cell: XML special characters escaped, characters XML cannot hold spelled `_xHHHH_` as spreadsheets do. */
export const escapeText = (text: string): string =>
  text.replace(NOT_XML, hex4).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

/** An attribute value, quoted with `"`. */
export const escapeAttribute = (text: string): string => escapeText(text).replace(/"/g, '&quot;');

/** Undoes the `_xHHHH_` spelling of a cell's text (`_x000D_` is a carriage return, `_x005F_` a literal `_`). */
export const unescapeCellText = (text: string): string =>
  text.indexOf('_x') === -1 ? text : text.replace(/_x([0-9a-fA-F]{4})_/g, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
