import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** A row of a plain-SQL SELECT: columns under their database names. */
export type DatabaseRow = Readonly<Record<string, unknown>>;

/**
 * Hydrates a TypeORM entity from a row of plain SQL by the entity's own metadata (column names,
 * types, transformers), as TypeORM does for its own queries: repositories that write their hot
 * paths in SQL (decision 0012) need no mapper of their own that repeats every column. Columns the
 * row lacks stay unset.
 */
export function entityFromRow<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, row: DatabaseRow): T {
  const metadata = manager.connection.getMetadata(target);
  const driver = manager.connection.driver;
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (column.databaseName in row) column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
  }
  return entity;
}
