// Vitest's order of files for this suite: the slowest first (test-order.ts says why).
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { keptDurations, slowestFirst } from './test-order';

export class DurationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return slowestFirst(files, (file) => file.moduleId, keptDurations().vitest);
  }
}
