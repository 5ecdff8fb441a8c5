/**
 * Base of every aggregate: collects the domain events its behaviour methods record.
 * The caller pulls them only after the state change was written, so an event never
 * escapes for a change that was not committed.
 */
export abstract class AggregateRoot<TEvent> {
  #events: TEvent[] = [];

  /** Appends an event to the ones recorded since the last {@link pullEvents}. */
  protected record(event: TEvent): void {
    this.#events.push(event);
  }

  /** Returns the recorded events, oldest first, and forgets them. */
  pullEvents(): TEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** Returns the recorded events, oldest first, without forgetting them. */
  peekEvents(): readonly TEvent[] {
    return [...this.#events];
  }
}
