import { Injectable } from '@nestjs/common';
import { Clock } from '../../../application/ports/clock.port.js';

/** The wall clock. */
@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
