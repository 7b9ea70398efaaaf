import * as E from 'fp-ts/lib/Either.js';
import type { Command, CommandContext, GlobalPosition, Ledger } from '@learner-ledger/core';
import { mulberry32 } from '@learner-ledger/core/testing';

/**
 * The contended workload of the load tests: one organization whose seats are
 * nearly all taken, and several writers throwing register / deactivate /
 * reactivate commands at the same learners, some commands delivered twice
 * (the same command id to two writers).
 */
export const LOAD_ORG = 'load';

export interface WorkloadShape {
  readonly seed: number;
  readonly seats: number;
  readonly writers: number;
  readonly commandsPerWriter: number;
}

export interface Delivery {
  readonly command: Command;
  readonly context: CommandContext;
}

export interface DeliveryReport {
  readonly commandId: string;
  readonly type: string;
  readonly status?: 'applied' | 'unchanged' | 'duplicate';
  readonly code?: string;
  readonly message?: string;
  readonly first?: string;
  readonly last?: string;
  readonly events?: number;
  readonly retries?: number;
}

const learnerId = (n: number) => `L${String(n).padStart(4, '0')}`;

/** Setup commands: the organization, one team, `seats - 2` active learners. */
export const setupCommands = (shape: WorkloadShape): Command[] => [
  { type: 'OnboardOrganization', orgId: LOAD_ORG, name: 'Load Test Inc', seats: shape.seats, timeZone: 'America/Chicago' },
  { type: 'CreateTeam', orgId: LOAD_ORG, name: 'Sales' },
  ...Array.from({ length: shape.seats - 2 }, (_, i): Command => ({
    type: 'RegisterLearner',
    orgId: LOAD_ORG,
    learnerId: learnerId(i),
    email: `${learnerId(i).toLowerCase()}@load.test`,
    firstName: 'First',
    lastName: learnerId(i),
    teams: ['sales'],
  })),
];

/** Each writer's deliveries, in order. About one in ten is a command another writer also gets. */
export const writerDeliveries = (shape: WorkloadShape): Delivery[][] => {
  const random = mulberry32(shape.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // With this mix a learner is active about 36% of the time (0.40 reactivations against 0.35 × 2 deactivated ids per
  // command), so three times as many candidates as seats means more learners want a license than there are seats.
  const candidates = shape.seats * 3 + 10;
  const someone = () => learnerId(Math.floor(random() * candidates));
  const lists: Delivery[][] = Array.from({ length: shape.writers }, () => []);
  for (let w = 0; w < shape.writers; w++) {
    for (let i = 0; i < shape.commandsPerWriter; i++) {
      const commandId = `w${w}-c${i}`;
      const roll = random();
      let command: Command;
      let channel: CommandContext['channel'] = 'learner-profile';
      if (roll < 0.35) {
        const count = 1 + Math.floor(random() * 3);
        const ids = [...new Set(Array.from({ length: count }, someone))];
        channel = ids.length > 1 ? 'learner-draft' : 'learner-profile';
        command = { type: 'DeactivateLearners', orgId: LOAD_ORG, learnerIds: ids, reason: 'left the company', ...(random() < 0.3 ? { partial: true } : {}), ...(random() < 0.15 ? { move: null } : {}) };
      } else if (roll < 0.75) {
        command = { type: 'ReactivateLearner', orgId: LOAD_ORG, learnerId: someone() };
      } else {
        const id = someone();
        channel = 'api';
        command = { type: 'RegisterLearner', orgId: LOAD_ORG, learnerId: id, email: `${id.toLowerCase()}@load.test`, firstName: 'New', lastName: id, teams: ['sales'] };
      }
      lists[w]!.push({ command, context: { commandId, actor: { kind: 'admin', id: `writer-${w}@load.test` }, channel } });
    }
  }
  // Redeliveries: the same command (same id, same body) handed to another writer as well.
  if (shape.writers > 1) {
    for (let w = 0; w < shape.writers; w++) {
      const extra = Math.floor(shape.commandsPerWriter / 10);
      for (let k = 0; k < extra; k++) {
        let other = Math.floor(random() * shape.writers);
        if (other === w) other = (other + 1) % shape.writers;
        const original = pick(lists[other]!.slice(0, shape.commandsPerWriter));
        const at = Math.floor(random() * (lists[w]!.length + 1));
        lists[w]!.splice(at, 0, original);
      }
    }
  }
  return lists;
};

/** Runs one writer's deliveries through a ledger and reports each outcome. */
export const deliver = async (ledger: Ledger, deliveries: readonly Delivery[]): Promise<DeliveryReport[]> => {
  const reports: DeliveryReport[] = [];
  for (const { command, context } of deliveries) {
    const result = await ledger.execute(command, context);
    const commandId = context.commandId!;
    if (E.isLeft(result)) {
      reports.push({ commandId, type: command.type, code: result.left.code, message: result.left.message });
    } else {
      const r = result.right;
      const position = (p: GlobalPosition) => p.toString();
      reports.push({ commandId, type: command.type, status: r.status, first: position(r.firstPosition), last: position(r.lastPosition), events: r.events.length, retries: r.retries });
    }
  }
  return reports;
};
