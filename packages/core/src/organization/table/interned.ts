/**
 * Values many learners share, each kept once and referred to by a number
 * from a learner's row. Both tables only grow, so a frozen copy of the
 * learner table shares them: the numbers it holds never change meaning.
 */

const NO_TEAMS: readonly string[] = Object.freeze([]);

/** The distinct team lists of an organization (a learner's teams, the teams a deactivation removed). List 0 is the empty list. */
export class TeamLists {
  private readonly lists: (readonly string[])[] = [NO_TEAMS];
  private readonly ids = new Map<string, number>([['[]', 0]]);

  /** The number of `list` (the same for equal lists; order matters). */
  intern(list: readonly string[]): number {
    if (list.length === 0) return 0;
    const key = JSON.stringify(list);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.lists.length;
      this.lists.push(Object.freeze([...list]));
      this.ids.set(key, id);
    }
    return id;
  }

  /** The list numbered `id`: frozen, shared by every learner that has it. */
  get(id: number): readonly string[] {
    return this.lists[id]!;
  }

  get count(): number {
    return this.lists.length;
  }

  /** Every list, by number (for snapshots). */
  all(): readonly (readonly string[])[] {
    return this.lists;
  }

  /** The lists a snapshot recorded, numbered as they were; undefined when the first is not the empty list or two are equal. */
  static of(lists: readonly (readonly string[])[]): TeamLists | undefined {
    const table = new TeamLists();
    if (lists.length === 0 || lists[0]!.length !== 0) return undefined;
    for (let i = 1; i < lists.length; i++) if (lists[i]!.length === 0 || table.intern(lists[i]!) !== i) return undefined;
    return table;
  }
}

const LICENSE_NUMBER = /^L-[1-9][0-9]{0,9}$/;
const MAX_LICENSE_NUMBER = 0x7fffffff;

/**
 * License ids as 32-bit numbers: 0 for none, n for `L-n` (the ids the
 * decider hands out), and -k for the k-th other id seen (kept in a list).
 */
export class LicenseIds {
  private readonly others: string[] = [];
  private readonly codes = new Map<string, number>();

  encode(licenseId: string | null): number {
    if (licenseId === null) return 0;
    if (LICENSE_NUMBER.test(licenseId)) {
      const number = Number(licenseId.slice(2));
      if (number <= MAX_LICENSE_NUMBER) return number;
    }
    let code = this.codes.get(licenseId);
    if (code === undefined) {
      this.others.push(licenseId);
      code = -this.others.length;
      this.codes.set(licenseId, code);
    }
    return code;
  }

  decode(code: number): string | null {
    if (code === 0) return null;
    return code > 0 ? `L-${code}` : this.others[-code - 1]!;
  }

  /** Whether `code` names a license this table knows. */
  knows(code: number): boolean {
    return code >= 0 || -code <= this.others.length;
  }

  /** The ids that are not `L-n`, in the order of their codes (for snapshots). */
  otherIds(): readonly string[] {
    return this.others;
  }

  /** The table a snapshot recorded; undefined when an id is listed twice or is an `L-n` id. */
  static of(others: readonly string[]): LicenseIds | undefined {
    const table = new LicenseIds();
    for (let i = 0; i < others.length; i++) if (table.encode(others[i]!) !== -(i + 1)) return undefined;
    return table;
  }
}
