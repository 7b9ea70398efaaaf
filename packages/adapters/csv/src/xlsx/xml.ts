/*
 * The XML of a workbook's parts, read as a stream of tags and text and
 * written with its special characters escaped. A workbook's XML is plain:
 * no document type (refused: no entity of it is ever expanded), no
 * namespaces that matter beyond their prefixes (dropped), text in elements.
 */

/** What the scanner reports: tags by their local name (prefix dropped) and decoded text. */
export interface XmlHandler {
  open(name: string, attributes: string, selfClosing: boolean): void;
  close(name: string): void;
  text(text: string): void;
}

/** XML the scanner cannot read: a document type, a construct left open, an unknown entity. */
export class XmlError extends Error {}

/** Text or one tag may be at most this long (characters): a cell holds at most 32,767. */
const MAX_PENDING = 8 * 1024 * 1024;

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five entities and character references of XML text or an attribute value. */
export const decodeEntities = (text: string): string =>
  text.indexOf('&') === -1
    ? text
    : text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (_, name: string) => {
        if (name.charCodeAt(0) === 35) return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
        const decoded = ENTITIES[name];
        if (decoded === undefined) throw new XmlError(`Unknown entity &${name};`);
        return decoded;
      });

const localName = (qualified: string): string => {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
};

const isSpace = (code: number): boolean => code === 32 || code === 9 || code === 10 || code === 13;

/** The attributes of a tag by local name, values decoded. */
export const attributesOf = (attributes: string): Record<string, string> => {
  const found: Record<string, string> = {};
  const n = attributes.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(attributes.charCodeAt(i))) i++;
    const eq = attributes.indexOf('=', i);
    if (eq === -1) break;
    const name = attributes.slice(i, eq).trim();
    let q = eq + 1;
    while (q < n && isSpace(attributes.charCodeAt(q))) q++;
    const quote = attributes[q];
    if (quote !== '"' && quote !== "'") throw new XmlError(`Attribute ${name} has no quoted value`);
    const end = attributes.indexOf(quote, q + 1);
    if (end === -1) throw new XmlError(`Attribute ${name} is not closed`);
    found[localName(name)] = decodeEntities(attributes.slice(q + 1, end));
    i = end + 1;
  }
  return found;
};

/**
 * A streaming XML scanner: feed it text in pieces of any size, it reports
 * tags and text as soon as they are complete. Comments and processing
 * instructions are skipped, CDATA is text; a document type is refused.
 */
export class XmlScanner {
  private rest = '';

  constructor(private readonly handler: XmlHandler) {}

  write(chunk: string): void {
    const s = this.rest.length > 0 ? this.rest + chunk : chunk;
    const n = s.length;
    const { handler } = this;
    let i = 0;
    while (i < n) {
      const lt = s.indexOf('<', i);
      if (lt === -1) break; // text is reported once the tag after it begins, so an entity is never cut
      if (lt > i) handler.text(decodeEntities(s.slice(i, lt)));
      i = lt;
      const next = s.charCodeAt(lt + 1);
      if (next === 33) {
        // <!-- comment -->, <![CDATA[ text ]]>, <!DOCTYPE …>
        if (s.startsWith('<!--', lt)) {
          const end = s.indexOf('-->', lt + 4);
          if (end === -1) break;
          i = end + 3;
        } else if (s.startsWith('<![CDATA[', lt)) {
          const end = s.indexOf(']]>', lt + 9);
          if (end === -1) break;
          handler.text(s.slice(lt + 9, end));
          i = end + 3;
        } else if (n - lt >= 9 || s.indexOf('>', lt) !== -1) {
          throw new XmlError('A document type declaration (<!DOCTYPE …>) is not allowed in a workbook');
        } else break;
        continue;
      }
      if (next === 63) {
        const end = s.indexOf('?>', lt + 2);
        if (end === -1) break;
        i = end + 2;
        continue;
      }
      const gt = tagEnd(s, lt + 1);
      if (gt === -1) break;
      if (next === 47) {
        handler.close(localName(s.slice(lt + 2, gt).trim()));
      } else {
        const selfClosing = s.charCodeAt(gt - 1) === 47;
        const inner = selfClosing ? s.slice(lt + 1, gt - 1) : s.slice(lt + 1, gt);
        let e = 0;
        while (e < inner.length && !isSpace(inner.charCodeAt(e))) e++;
        handler.open(localName(inner.slice(0, e)), inner.slice(e), selfClosing);
      }
      i = gt + 1;
    }
    this.rest = i < n ? s.slice(i) : '';
    if (this.rest.length > MAX_PENDING) throw new XmlError(`A value or tag longer than ${MAX_PENDING} characters`);
  }

  /** The end of the input: text after the last tag is reported; a construct left open is an error. */
  end(): void {
    const rest = this.rest;
    this.rest = '';
    if (rest.indexOf('<') !== -1) throw new XmlError('The XML ends inside a tag');
    if (rest.length > 0) this.handler.text(decodeEntities(rest));
  }
}

/** The `>` that ends a tag begun before `from`, skipping quoted attribute values; -1 when not in `s` yet. */
const tagEnd = (s: string, from: number): number => {
  let p = from;
  for (;;) {
    const gt = s.indexOf('>', p);
    if (gt === -1) return -1;
    const dq = s.indexOf('"', p);
    const sq = s.indexOf("'", p);
    const q = dq === -1 || gt < dq ? (sq === -1 || gt < sq ? -1 : sq) : sq === -1 || dq < sq ? dq : sq;
    if (q === -1) return gt;
    const close = s.indexOf(s[q]!, q + 1);
    if (close === -1) return -1;
    p = close + 1;
  }
};

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
