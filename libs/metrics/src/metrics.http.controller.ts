import { Controller, Get, Header, Res } from '@nestjs/common';
import { Public } from '#libs/auth';
import { processMetrics } from './oms-metrics.js';

interface ContentTypeReply {
  header(name: string, value: string): unknown;
}

/** `GET /metrics`: the Prometheus text format, no token (scraped from inside the cluster). */
@Controller('metrics')
export class MetricsHttpController {
  @Public()
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: ContentTypeReply): Promise<string> {
    const metrics = processMetrics();
    reply.header('Content-Type', metrics.contentType);
    return metrics.scrape();
  }
}
