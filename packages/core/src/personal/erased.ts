import type { DomainEvent } from '../events.js';

/*
 * What an erased learner's personal fields read as, everywhere: reports,
 * exports, read models and the events themselves once their key is shredded.
 */

/** The value of every personal field of an erased learner. */
export const ERASED = '[erased]';

/** Whether a learner's e-mail says their personal data is erased (no real e-mail can be this: it has no `@`). */
export const isErasedEmail = (email: string): boolean => email === ERASED;

/** The personal fields of a learner as they read once erased. */
export const ERASED_PROFILE = { email: ERASED, firstName: ERASED, lastName: ERASED, employeeId: ERASED } as const;

/**
 * The event with one learner's personal fields read as erased: what a
 * projection that copied them keeps once the learner is erased. Events that
 * hold none of that learner's personal fields come back as they are.
 */
export const withPersonalFieldsErased = (event: DomainEvent, learnerId: string): DomainEvent => {
  switch (event.type) {
    case 'LearnerRegistered':
      return event.data.learnerId === learnerId ? { ...event, data: { ...event.data, ...ERASED_PROFILE } } : event;
    case 'LearnerProfileUpdated':
      return event.data.learnerId === learnerId
        ? { ...event, data: { ...event.data, changes: Object.fromEntries(Object.keys(event.data.changes).map((field) => [field, ERASED])) } }
        : event;
    case 'ImportLinesRecorded':
      return event.data.lines.some((line) => line.learnerId === learnerId && line.message !== undefined)
        ? { ...event, data: { ...event.data, lines: event.data.lines.map((line) => (line.learnerId === learnerId && line.message !== undefined ? { ...line, message: ERASED } : line)) } }
        : event;
    default:
      return event;
  }
};
