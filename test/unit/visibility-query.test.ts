import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  UnsafeQueryValue,
  deliveryQuery,
  endpointConfigQuery,
  literal,
} from '../../src/temporal/visibility-query';

const anyString = fc.string({ unit: 'binary', maxLength: 40 });
/** Strings a refused character rarely spoils, so the quoting itself is what gets exercised. */
const quotesAndBrackets = fc.string({
  unit: fc.constantFrom("'", '(', ')', ' ', '=', 'O', 'R', '1', 'é', '名', '\u2028', '😀'),
  maxLength: 40,
});

describe('visibility query literals', () => {
  test.each([
    { value: 'ten_0123456789abcdef', quoted: "'ten_0123456789abcdef'" },
    { value: "x' OR 1=1 OR '", quoted: "'x\\' OR 1=1 OR \\''" },
    { value: ') OR (1=1', quoted: "') OR (1=1'" },
    { value: "naïve 名前 l'été", quoted: "'naïve 名前 l\\'été'" },
  ])('$value stays one literal', ({ value, quoted }) => {
    expect(literal(value)).toBe(quoted);
  });

  test.each([
    'line\nbreak',
    'nul\u0000',
    'tab\there',
    'del\u007f',
    'a "double" quote',
    "x\\' OR TenantId != '",
    // On the dev server, `SignalId = 'x\\' OR SignalId = 'y'` ends the literal after the backslashes.
    'x\\',
  ])('%j is refused', (value) => {
    expect(() => literal(value)).toThrow(UnsafeQueryValue);
  });

  test('any string is refused or read back by the query parser as exactly itself', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, quotesAndBrackets), (value) => {
        let quoted: string;
        try {
          quoted = literal(value);
        } catch (error) {
          expect(error).toBeInstanceOf(UnsafeQueryValue);
          return;
        }
        expect(readLiteral(quoted)).toBe(value);
      }),
    );
  });
});

describe('delivery queries', () => {
  test('every filter becomes one ANDed clause, the operator query last in parentheses', () => {
    expect(
      deliveryQuery(
        {
          tenantId: 'ten_0123456789abcdef',
          endpointId: 'ep_0123456789abcdef',
          status: 'dead_lettered',
          signalId: 'sig_1',
          startedSince: '2026-05-18T14:30:00+02:00',
          deadLetteredSince: '2026-05-18',
        },
        "SignalType = 'intent_post'",
      ),
    ).toBe(
      "WorkflowType = 'deliveryWorkflow' AND TenantId = 'ten_0123456789abcdef' AND EndpointId = 'ep_0123456789abcdef'" +
        " AND DeliveryStatus = 'dead_lettered' AND SignalId = 'sig_1' AND StartTime >= '2026-05-18T12:30:00.000Z'" +
        " AND DeadLetteredAt >= '2026-05-18T00:00:00.000Z' AND (SignalType = 'intent_post')",
    );
  });

  test('a hostile tenant id cannot end its literal', () => {
    const query = deliveryQuery({ tenantId: "ten_x' OR TenantId != 'y" });
    expect(query).toBe("WorkflowType = 'deliveryWorkflow' AND TenantId = 'ten_x\\' OR TenantId != \\'y'");
  });

  test("a tenant's endpoint config workflows", () => {
    expect(endpointConfigQuery('ten_0123456789abcdef')).toBe(
      "WorkflowType = 'endpointConfigWorkflow' AND TenantId = 'ten_0123456789abcdef' AND ExecutionStatus = 'Running'",
    );
  });
});

/**
 * How Temporal's query tokenizer reads a single-quoted literal: a backslash takes the next character
 * as it is, a bare quote ends it. Throws unless the literal spans all of `text`, which is what keeps
 * a value from adding clauses of its own.
 */
function readLiteral(text: string): string {
  if (text[0] !== "'") throw new Error('not a literal');
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\') value += text[++i] ?? '';
    else if (char === "'") {
      if (i !== text.length - 1) throw new Error(`the literal ends early, before ${text.slice(i + 1)}`);
      return value;
    } else value += char;
  }
  throw new Error('the literal never ends');
}
