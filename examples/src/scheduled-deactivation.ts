/**
 * A scheduled deactivation: HR knows an employee's last day in advance. The
 * deactivation is recorded now, dated for the start of 1 July in the
 * organization's time zone, and takes effect when the "process due work" step
 * runs at or after that instant (a cron job calling `ProcessDueDeactivations`,
 * or `learner-ledger process-due`). Time always comes in as a value, so this
 * example can run the clock forward.
 */
import { createLedger, InMemoryEventStore, type EventStore } from '@learner-ledger/core';
import { admin, licenses, onboardAcme, run, stateOf } from './sample-organization.js';

export async function main(log: (line: string) => void = console.log, store: EventStore = new InMemoryEventStore()) {
  const ledger = createLedger({ store });
  const today = '2026-06-15T15:00:00.000Z';
  await onboardAcme(ledger, today);

  const scheduled = await run(
    ledger,
    { type: 'ScheduleDeactivation', orgId: 'acme', scheduleId: 'last-day-0003', learnerIds: ['0003'], effectiveAt: '2026-07-01', reason: 'last day 30 June' },
    admin('learner-profile', today),
  );
  const due = scheduled.events[0]!.event;
  log(`scheduled: ${JSON.stringify(due.data)}`);

  // 1 July 00:00 in Chicago is 05:00 UTC. Just before it, nothing is due yet.
  const early = await run(ledger, { type: 'ProcessDueDeactivations', orgId: 'acme' }, { actor: { kind: 'system', id: 'cron' }, channel: 'api', now: '2026-07-01T04:59:00.000Z' });
  log(`04:59 UTC: ${early.events.length} events; 0003 is ${(await stateOf(ledger, 'acme')).learners.get('0003')!.status}`);

  const onTime = await run(ledger, { type: 'ProcessDueDeactivations', orgId: 'acme' }, { actor: { kind: 'system', id: 'cron' }, channel: 'api', now: '2026-07-01T05:00:00.000Z' });
  for (const { event, metadata } of onTime.events) log(`05:00 UTC: ${event.type} (actor ${metadata.actor.kind}, caused by ${metadata.causationId})`);

  const state = await stateOf(ledger, 'acme');
  log(`licenses: ${licenses(state)}`);
  return {
    effectiveAt: due.type === 'DeactivationScheduled' ? due.data.effectiveAt : undefined,
    eventsBeforeDue: early.events.length,
    eventsWhenDue: onTime.events.map(({ event }) => event.type),
    status: state.learners.get('0003')!.status,
    inUse: state.licensesInUse,
  };
}
