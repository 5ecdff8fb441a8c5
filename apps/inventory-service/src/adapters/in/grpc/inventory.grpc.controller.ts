import { Controller } from '@nestjs/common';
import { Roles } from '#libs/auth';
import { inventoryV1 } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { InventoryApi } from '../inventory.api.js';

/**
 * `oms.v1.InventoryService` over gRPC: internal, so every method needs the `service` (or `admin`)
 * role; UpsertProduct changes the catalog and needs `admin`.
 */
@Controller()
@Roles('service', 'admin')
@inventoryV1.InventoryServiceControllerMethods()
export class InventoryGrpcController implements inventoryV1.InventoryServiceController {
  constructor(private readonly api: InventoryApi) {}

  @Idempotent()
  reserve(request: inventoryV1.ReserveRequest): Promise<inventoryV1.ReserveResponse> {
    return this.api.reserve(request);
  }

  @Idempotent()
  release(request: inventoryV1.ReleaseRequest): Promise<inventoryV1.ReleaseResponse> {
    return this.api.release(request);
  }

  @Idempotent()
  commit(request: inventoryV1.CommitRequest): Promise<inventoryV1.CommitResponse> {
    return this.api.commit(request);
  }

  @Idempotent()
  restock(request: inventoryV1.RestockRequest): Promise<inventoryV1.RestockResponse> {
    return this.api.restock(request);
  }

  getProduct(request: inventoryV1.GetProductRequest): Promise<inventoryV1.GetProductResponse> {
    return this.api.getProduct(request);
  }

  batchGetProducts(request: inventoryV1.BatchGetProductsRequest): Promise<inventoryV1.BatchGetProductsResponse> {
    return this.api.batchGetProducts(request);
  }

  @Roles('admin')
  @Idempotent()
  upsertProduct(request: inventoryV1.UpsertProductRequest): Promise<inventoryV1.UpsertProductResponse> {
    return this.api.upsertProduct(request);
  }
}
