import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { Roles } from '#libs/auth';
import { inventoryV1 } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { InventoryApi } from '../inventory.api.js';

/**
 * Catalog administration (`/v1/products`, admin role): transcoding of UpsertProduct and
 * GetProduct, bodies in proto3 JSON.
 */
@Controller('v1/products')
@Roles('admin')
export class ProductsHttpController {
  constructor(private readonly api: InventoryApi) {}

  /** Creates or replaces the product; the sku comes from the path, never from the body. */
  @Put(':sku')
  @Idempotent()
  async upsert(@Param('sku') sku: string, @Body() body: Record<string, unknown> | undefined): Promise<unknown> {
    return inventoryV1.UpsertProductResponse.toJSON(await this.api.upsertProduct({ ...(body ?? {}), sku }));
  }

  @Get(':sku')
  async get(@Param('sku') sku: string): Promise<unknown> {
    return inventoryV1.GetProductResponse.toJSON(await this.api.getProduct({ sku }));
  }
}
