import { allProjections, asOfProjections, describeProjection, ProjectionRunner, ProjectionRunnerError, type AnyProjection } from '@learner-ledger/projections';
import { CliError, usageError } from '../errors.js';
import { plural, table } from '../output.js';
import { progressBar } from '../progress.js';
import { projectionStoreFor } from '../projection-store.js';
import type { Register } from './action.js';

/** Every projection `replay` rebuilds: the current-state ones, then the time-indexed read models the reports answer from. */
const replayable: readonly AnyProjection[] = [...allProjections, ...asOfProjections];
const isReadModel = (name: string) => asOfProjections.some((p) => p.name === name);

/** `replay`: rebuild projections from position 0. */
export const registerReplayCommand: Register = (program, action) => {
  program
    .command('replay')
    .description(`rebuild projections from position 0 of the log (${allProjections.map((p) => p.name).join(', ')}) and the read models of as-of reports (${asOfProjections.map((p) => p.name).join(', ')})`)
    .option('--projection <name>', 'only this projection (default: all)')
    .option('--batch-size <n>', 'events per batch and commit', (v) => {
      if (!/^\d+$/.test(v) || Number(v) < 1) throw usageError(`--batch-size expects a whole number ≥ 1, got ${JSON.stringify(v)}`, 'INVALID_ARGUMENT');
      return Number(v);
    })
    .action(
      action(async (session, _args, options) => {
        const chosen = options.projection === undefined ? replayable : replayable.filter((p) => p.name === options.projection);
        if (chosen.length === 0) {
          throw usageError(`Unknown projection ${JSON.stringify(options.projection)}: one of ${replayable.map((p) => p.name).join(', ')}`, 'UNKNOWN_PROJECTION');
        }
        const store = await session.store();
        const { projectionStore, persisted } = await projectionStoreFor(session);
        const head = await store.headPosition();
        for (const projection of chosen) await projectionStore.reset(describeProjection(projection));
        const runner = new ProjectionRunner({ store, projections: chosen, projectionStore, ...(options.batchSize ? { batchSize: options.batchSize } : {}) });
        // Positions count events on SQLite and PostgreSQL; KurrentDB's are log offsets, shown as per mille.
        const exact = head <= BigInt(Number.MAX_SAFE_INTEGER);
        const scale = (position: bigint) => (exact ? Number(position) : head > 0n ? Number((position * 1000n) / head) : 0);
        const bar = progressBar(session.io, exact ? 'Replaying events' : 'Replaying (‰)', { json: session.json, total: scale(head) });
        const started = Date.now();
        try {
          for (;;) {
            const done = await runner.step();
            const position = chosen.reduce((min, p) => (runner.checkpoint(p.name) < min ? runner.checkpoint(p.name) : min), head);
            bar.update(scale(position));
            if (done) break;
          }
        } catch (error) {
          if (error instanceof ProjectionRunnerError) throw new CliError('REPLAY_STOPPED', error.message);
          throw error;
        } finally {
          bar.finish();
        }
        const stats = runner.stats().projections.map((p) => ({ name: p.name, checkpoint: p.checkpoint.toString(), eventsApplied: p.eventsApplied }));
        const seconds = (Date.now() - started) / 1000;
        return {
          json: {
            head: head.toString(),
            projectionStore: projectionStore.name,
            persisted,
            projections: stats.filter((p) => !isReadModel(p.name)),
            readModels: stats.filter((p) => isReadModel(p.name)),
          },
          text:
            `Replayed ${plural(stats.length, 'projection')} from position 0 to ${head} in ${seconds.toFixed(1)} s` +
            `${persisted ? ` (stored in the ${projectionStore.name} database)` : ' (in memory: this store keeps no projection tables)'}:\n` +
            table(stats.map((p) => [p.name, p.checkpoint, String(p.eventsApplied)]), ['projection', 'checkpoint', 'events applied']),
        };
      }),
    );
};
