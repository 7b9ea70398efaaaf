/** The environment as the tool reads it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The words that turn a switch off, in any letter case and with spaces around them. */
const OFF = ['off', '0', 'false', 'no'];

/**
 * Whether the environment variable `name` turns its switch off: `off`, `0`,
 * `false` or `no`, in any letter case, spaces around it ignored. Unset,
 * empty or any other value leaves the switch on.
 */
export const switchedOff = (env: Env, name: string): boolean => OFF.includes((env[name] ?? '').trim().toLowerCase());
