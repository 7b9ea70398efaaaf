/** A team name as names are compared: trimmed, NFC, lower case (names are unique case-insensitively). */
export const normalizeName = (name: string): string => name.trim().normalize('NFC').toLocaleLowerCase('en');

/** An e-mail address as addresses are compared: trimmed, lower case. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
