import type { Command } from '../commands.js';

/**
 * The learners whose personal fields a command may write: their keys are
 * looked up (or made) before it is decided, so its events can be sealed.
 */
export const personalSubjects = (command: Command): readonly string[] => {
  switch (command.type) {
    case 'RegisterLearner':
    case 'UpdateLearnerProfile':
      return [command.learnerId];
    case 'ApplyImportBatch': {
      const ids: string[] = [];
      for (const operation of command.operations) if (operation.op === 'register' || operation.op === 'update') ids.push(operation.learnerId);
      for (const line of command.lines) if (line.message !== undefined && line.learnerId !== '') ids.push(line.learnerId);
      return ids;
    }
    case 'FinishImport':
      return (command.lines ?? []).filter((line) => line.message !== undefined && line.learnerId !== '').map((line) => line.learnerId);
    default:
      return [];
  }
};
