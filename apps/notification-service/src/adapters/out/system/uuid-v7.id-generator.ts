import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { IdGenerator } from '../../../application/ports/id-generator.port.js';

/** UUIDv7 ids: time ordered, so inserts append to the primary-key index. */
@Injectable()
export class UuidV7IdGenerator extends IdGenerator {
  next(): string {
    return uuidv7();
  }
}
