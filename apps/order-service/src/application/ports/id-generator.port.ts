/** Identifiers for new aggregates. */
export abstract class IdGenerator {
  abstract newId(): string;
}
