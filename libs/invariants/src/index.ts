/**
 * The invariant checker: reads every service schema in one read-only snapshot and reports each
 * violation of the system's promises (stock conserved, money matching orders, nothing stuck,
 * gap-free event sequences, no effect applied twice, nothing undelivered). Used by
 * `npm run check:invariants` and by tests. Rules: libs/invariants/README.md.
 */
export {
  DEFAULT_OPTIONS,
  presentTables,
  resolveOptions,
  runRules,
  SERVICE_SCHEMAS,
  type InvariantOptions,
  type InvariantRule,
  type Queryable,
  type ResolvedOptions,
  type RuleRun,
  type Violation,
} from './invariant.rule.js';
export { checkStock, STOCK_RULES } from './stock.invariants.js';
export { checkPayments, PAYMENT_RULES } from './payment.invariants.js';
export { checkStuckOrders, STUCK_ORDER_RULES, TRANSIENT_SAGA_PHASES } from './stuck-orders.invariants.js';
export { checkEventSequences, EVENT_SEQUENCE_RULES, SEQUENCED_EVENTS } from './event-sequence.invariants.js';
export { checkDuplicateEffects, DUPLICATE_EFFECT_RULES } from './duplicate-effects.invariants.js';
export { checkMessaging, MESSAGING_RULES } from './messaging.invariants.js';
export {
  ALL_RULES,
  checkInvariants,
  collectViolations,
  groupByInvariant,
  INVARIANT_CODES,
  INVARIANT_FAMILIES,
  type InvariantReport,
} from './check-invariants.js';
export { EXIT, formatReport, runCheckInvariantsCli, USAGE, type CliIo } from './cli.js';
