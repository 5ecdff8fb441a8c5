import { DomainError } from './domain-error.js';

class WidgetMissingError extends DomainError {
  readonly code = 'WIDGET_MISSING';
}

describe('DomainError', () => {
  it('is an Error named after the subclass, with its code and frozen details', () => {
    const error = new WidgetMissingError('Widget w1 is missing', { widgetId: 'w1' });

    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe('WidgetMissingError');
    expect(error.code).toBe('WIDGET_MISSING');
    expect(error.message).toBe('Widget w1 is missing');
    expect(error.details).toEqual({ widgetId: 'w1' });
    expect(Object.isFrozen(error.details)).toBe(true);
  });

  it('defaults to no details', () => {
    expect(new WidgetMissingError('gone').details).toEqual({});
  });
});
