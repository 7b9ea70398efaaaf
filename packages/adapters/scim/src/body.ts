import type { IncomingMessage } from 'node:http';
import { ScimError } from './protocol.js';

/** Deepest nesting of arrays and objects accepted in a body: SCIM resources nest three levels. */
export const MAX_JSON_DEPTH = 32;

/** The request body as JSON: 413 past `maxBytes`, 400 `invalidSyntax` when it is not JSON or nests too deep. */
export const readJsonBody = async (request: IncomingMessage, maxBytes: number): Promise<unknown> => {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new ScimError(400, 'The request needs a JSON body', 'invalidSyntax');
  if (nestingDepth(text) > MAX_JSON_DEPTH) throw new ScimError(400, `The body nests deeper than ${MAX_JSON_DEPTH} levels`, 'invalidSyntax');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ScimError(400, `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, 'invalidSyntax');
  }
};

const tooLarge = (maxBytes: number): ScimError => new ScimError(413, `The body is larger than ${maxBytes} bytes`);

/** How deep brackets nest outside strings: checked before parsing, so a hostile body never reaches a recursive walk. */
const nestingDepth = (text: string): number => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
};
