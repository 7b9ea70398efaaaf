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
