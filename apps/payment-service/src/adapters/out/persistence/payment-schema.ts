/** The PostgreSQL schema payment-service owns. */
export const PAYMENT_SCHEMA = 'payment_service';
