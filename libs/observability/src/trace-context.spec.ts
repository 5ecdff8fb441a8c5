import fc from 'fast-check';
import { childTraceparent, parseTraceparent, traceIdsOf } from './trace-context.js';

const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('W3C trace context', () => {
  it('a child keeps the trace id and the sampled flag, with a new span id', () => {
    const child = childTraceparent(PARENT);
    expect(child).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(traceIdsOf(child)!.spanId).not.toBe('00f067aa0ba902b7');
    expect(childTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')).toMatch(/-00$/);
  });

  it('starts a new sampled trace when the parent is missing, malformed or invalid', () => {
    for (const parent of [undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01']) {
      const root = childTraceparent(parent);
      expect(parseTraceparent(root)).toMatchObject({ traceFlags: 1 });
      expect(root.slice(3, 35)).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    }
  });

  it('whatever arrives, a child is always a valid traceparent', () => {
    fc.assert(fc.property(fc.string(), (anything) => parseTraceparent(childTraceparent(anything)) !== undefined));
  });

  it('gives log lines the trace and span ids, nothing for junk', () => {
    expect(traceIdsOf(PARENT)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' });
    expect(traceIdsOf('00-xyz')).toBeUndefined();
  });
});
