import fc from 'fast-check';
import { importLearners } from '../src/index.js';
import { dataServicesFile, fixtureOrganization, fixtureRow, NOW } from './helpers.js';

/**
 * The same bytes always get the same report, however they are cut into
 * chunks (inside a character, a CRLF, a quoted value): the records read
 * before an encoding error do not depend on timing.
 */
const chunked = (bytes: Buffer, cuts: readonly number[]) =>
  (async function* () {
    let at = 0;
    for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
      yield bytes.subarray(at, cut);
      at = cut;
    }
    yield bytes.subarray(at);
  })();

const latin1 = (text: string) => Buffer.from(text.replace(/ü/g, '\u0000'), 'utf8').map((b) => (b === 0 ? 0xfc : b)) as Buffer;

const files: Record<string, { bytes: Buffer; first: [string, number | undefined] }> = {
  'a row error, then invalid UTF-8': {
    bytes: latin1(dataServicesFile([fixtureRow(1001, 'TRUE'), fixtureRow(1002, 'Flase'), fixtureRow(1003, 'TRUE'), fixtureRow(1004, 'TRUE'), '1005,Jürgen,Last1005,l1005@acme.test,E1005,Sales,TRUE', fixtureRow(1006, 'FALSE')])),
    first: ['ENCODING', 6],
  },
  'a bad quote, then invalid UTF-8': {
    bytes: latin1(dataServicesFile([fixtureRow(1001, 'TRUE'), '1002,First1002,O"Brien,l1002@acme.test,E1002,Sales,TRUE', fixtureRow(1003, 'TRUE'), '1004,Jürgen,Last1004,l1004@acme.test,E1004,Sales,TRUE'])),
    first: ['INVALID_QUOTE', 3],
  },
  'invalid UTF-8 inside a multi-line quoted value': {
    bytes: latin1(dataServicesFile([fixtureRow(1001, 'TRUE'), '1002,"First\r\nJürgen",Last1002,l1002@acme.test,E1002,Sales,TRUE', fixtureRow(1003, 'TRUE')])),
    first: ['ENCODING', 4],
  },
  'a valid file with CRLF and quoted line breaks': {
    bytes: Buffer.from('\ufeff' + dataServicesFile([fixtureRow(1001, 'FALSE', 'Sales', '"left\r\nthe company"'), '5001,"Zoë ""Z""",Ø,z@acme.test,,Sales,TRUE,', fixtureRow(1003, 'n', 'Sales', '')], ['Reason']).replace(/\n/g, '\r\n'), 'utf8'),
    first: ['', undefined],
  },
};

describe.each(Object.entries(files))('%s', (_name, { bytes, first }) => {
  test('gets the same report for any chunking', async () => {
    const options = { orgId: 'acme', fileName: 'chunks.csv', targetTeam: 'Sales', now: NOW, dryRun: true } as const;
    const reference = await importLearners(await fixtureOrganization(), { ...options, input: chunked(bytes, []) });
    expect([reference.errors[0]?.code ?? '', reference.errors[0]?.line]).toEqual(first);
    const ledger = await fixtureOrganization();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), async (cuts) => {
        expect(await importLearners(ledger, { ...options, input: chunked(bytes, cuts) })).toEqual(reference);
      }),
      { numRuns: 60 },
    );
  });
});
