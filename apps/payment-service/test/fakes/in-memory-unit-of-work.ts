import { UnitOfWork } from '../../src/application/ports/unit-of-work.port.js';

/** Something whose in-memory state a failed unit of work must roll back. */
export interface Transactional {
  /** Captures the current state; the returned function puts it back. */
  checkpoint(): () => void;
}

/**
 * The UnitOfWork port in memory, with the real one's semantics: nested runs join the outer one,
 * and when the outermost run throws, every participant is put back as it was before it began.
 */
export class InMemoryUnitOfWork extends UnitOfWork {
  #depth = 0;
  readonly #participants: Transactional[];

  constructor(...participants: Transactional[]) {
    super();
    this.#participants = participants;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#depth > 0) return work();
    const rollbacks = this.#participants.map((p) => p.checkpoint());
    this.#depth += 1;
    try {
      return await work();
    } catch (error) {
      for (const rollback of rollbacks) rollback();
      throw error;
    } finally {
      this.#depth -= 1;
    }
  }
}
