import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { createLedger, encodeEvent, InMemoryEventStore, organizationStreamId, type DomainEvent, type Ledger } from '@learner-ledger/core';
import { neutraliseCell } from '../src/index.js';
import { exportText, run } from './helpers.js';

/**
 * Cells that begin or end with white space are written in quotes, so a
 * spreadsheet keeps the spaces instead of trimming them. The ledger trims
 * what comes through the API, so such values reach an export from events
 * written before that rule (or by another writer): they are appended here
 * as stored events, the way an older log holds them.
 */
const WHITE = [' ', '  ', '\u00a0', '\u2003', '\u3000', '\u2028'];
const core = fc.array(fc.constantFrom('a', 'Z', '0', ',', '"', "'", '=', '-', 'é', '中', ' '), { minLength: 0, maxLength: 6 }).map((cs) => cs.join(''));
const spaced = fc
  .tuple(fc.constantFrom('', ...WHITE), core, fc.constantFrom('', ...WHITE))
  .filter(([before, value, after]) => before !== '' || after !== '' || /^\s|\s$/.test(value))
  .map(([before, value, after]) => `${before}${value}${after}`);

/** Appends events to an organization's stream as an older writer left them (validated by the event codecs, not by the decider). */
const appendStored = async (ledger: Ledger, orgId: string, events: readonly DomainEvent[]): Promise<void> => {
  const metadata = () => ({
    eventId: randomUUID(),
    occurredAt: '2025-12-01T09:00:00.000Z',
    orgId,
    commandId: 'older-writer',
    correlationId: 'older-writer',
    causationId: 'older-writer',
    actor: { kind: 'admin' as const, id: 'older@writer.test' },
    channel: 'api' as const,
  });
  await ledger.store.appendToStream(organizationStreamId(orgId), events.map((event) => encodeEvent(event, metadata())), { expectedVersion: 'any' });
};

test('export quotes every cell with leading or trailing white space, in both formats, and the file reads back with the spaces', async () => {
  await fc.assert(
    fc.asyncProperty(spaced, spaced, spaced, spaced, fc.boolean(), async (firstName, lastName, employeeId, teamName, crlf) => {
      const store = new InMemoryEventStore();
      const setup = createLedger({ store });
      await run(setup, { type: 'OnboardOrganization', orgId: 'q', name: 'Quoting', seats: 5 });
      await run(setup, { type: 'RegisterLearner', orgId: 'q', learnerId: '0007', email: 'q@q.test', firstName: 'F', lastName: 'L' });
      await appendStored(setup, 'q', [
        { type: 'TeamCreated', data: { teamId: 'spaced', name: teamName, kind: 'standard' } },
        { type: 'LearnerProfileUpdated', data: { learnerId: '0007', changes: { firstName, lastName, employeeId } } },
        { type: 'TeamMembershipChanged', data: { learnerId: '0007', added: ['spaced'], removed: [] } },
      ]);
      const ledger = createLedger({ store });
      for (const format of ['data-services', 'learner-page'] as const) {
        const text = await exportText(ledger, { orgId: 'q', format, ...(crlf ? { eol: '\r\n' as const } : {}) });
        const expected = ['0007', firstName, lastName, 'q@q.test', employeeId, teamName, 'TRUE'].map(neutraliseCell);
        const line = text.split(crlf ? '\r\n' : '\n')[1]!;
        // The bytes: each spaced cell is one quoted field, inner quotes doubled.
        for (const cell of expected.filter((value) => /^\s|\s$/.test(value))) expect(line).toContain(`"${cell.replace(/"/g, '""')}"`);
        expect(line.startsWith('0007,')).toBe(true);
        // And a CSV reader that keeps what it is given reads exactly the values back.
        expect((parse(text, { relax_column_count: false }) as string[][])[1]).toEqual(expected);
      }
    }),
    { numRuns: 60 },
  );
});

test("export writes ' E12 ' (stored by an older writer) as \" E12 \", not as a bare cell a spreadsheet would trim", async () => {
  const store = new InMemoryEventStore();
  const ledger = createLedger({ store });
  await run(ledger, { type: 'OnboardOrganization', orgId: 'q', name: 'Quoting', seats: 5 });
  await run(ledger, { type: 'RegisterLearner', orgId: 'q', learnerId: '0012', email: 'e12@q.test', firstName: 'Ann', lastName: 'Lee' });
  await appendStored(ledger, 'q', [{ type: 'LearnerProfileUpdated', data: { learnerId: '0012', changes: { employeeId: ' E12 ', lastName: 'Lee ' } } }]);
  const text = await exportText(createLedger({ store }), { orgId: 'q', format: 'data-services' });
  expect(text.split('\n')[1]).toBe('0012,Ann,"Lee ",e12@q.test," E12 ",,TRUE');
});
