import { IdGenerator } from '../../src/application/ports/id-generator.port.js';

/**
 * Ids `<prefix>0001`, `<prefix>0002`, ...: predictable, and zero-padded so that they sort in the
 * order they were issued (later ids are greater), like time-ordered UUIDs.
 */
export class SequentialIds extends IdGenerator {
  readonly issued: string[] = [];

  constructor(private readonly prefix = 'id-') {
    super();
  }

  newId(): string {
    const id = `${this.prefix}${String(this.issued.length + 1).padStart(4, '0')}`;
    this.issued.push(id);
    return id;
  }
}
