import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { IdGenerator } from '../../../application/ports/id-generator.port.js';

/** Time-ordered UUIDs (v7): new rows land at the end of the primary-key index instead of all over it. */
@Injectable()
export class UuidV7IdGenerator extends IdGenerator {
  newId(): string {
    return uuidv7();
  }
}
