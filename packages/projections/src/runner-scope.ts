import type { EventEnvelope } from '@learner-ledger/core';
import type { LoadOptions } from './projection-store.js';
import type { ProjectionRunnerOptions } from './runner-types.js';

/** What stops a batch of a runner scoped to some organizations at an event of another. */
export const OUT_OF_SCOPE = Symbol('out of scope');

/**
 * The organizations (and, of them, the learners) a runner is for
 * ({@link ProjectionRunnerOptions.organizations}, `learners`): what it asks
 * the projection store to restore, and which events it may apply.
 */
export class RunnerScope {
  private constructor(
    private readonly organizations: ReadonlySet<string>,
    private readonly learners: { readonly pairs: readonly (readonly [string, string])[]; readonly of: ReadonlyMap<string, ReadonlySet<string>> } | undefined,
  ) {}

  /** The scope the options ask for (undefined: every organization), after checking that every projection allows it. */
  static of(options: ProjectionRunnerOptions): RunnerScope | undefined {
    if (options.organizations === undefined) {
      if (options.learners !== undefined) throw new Error('learners needs organizations: the learners of which organizations');
      return undefined;
    }
    const unscoped = options.projections.find((projection) => projection.scopedByOrganization !== true);
    if (unscoped) throw new Error(`Projection ${unscoped.name} is not scoped by organization: it cannot run for some organizations only`);
    if (options.learners === undefined) return new RunnerScope(new Set(options.organizations), undefined);
    const notByLearner = options.projections.find((projection) => projection.scopedByLearner !== true);
    if (notByLearner) throw new Error(`Projection ${notByLearner.name} is not scoped by learner: it cannot run for some learners only`);
    const pairs = [...options.learners].map(([orgId, learnerId]) => [orgId, learnerId] as const);
    const of = new Map<string, Set<string>>();
    for (const [orgId, learnerId] of pairs) {
      let ids = of.get(orgId);
      if (!ids) of.set(orgId, (ids = new Set()));
      ids.add(learnerId);
    }
    return new RunnerScope(new Set(options.organizations), { pairs, of });
  }

  /** What to restore from the projection store. */
  loadOptions(): LoadOptions {
    return { organizations: [...this.organizations], ...(this.learners === undefined ? {} : { learners: this.learners.pairs }) };
  }

  /** Whether an event is of the organizations (and learners) of the scope. */
  includes(envelope: EventEnvelope): boolean {
    const orgId = envelope.metadata.orgId;
    if (!this.organizations.has(orgId)) return false;
    if (this.learners === undefined) return true;
    const learnerId = (envelope.event.data as { readonly learnerId?: unknown }).learnerId;
    return typeof learnerId !== 'string' || this.learners.of.get(orgId)?.has(learnerId) === true;
  }
}
