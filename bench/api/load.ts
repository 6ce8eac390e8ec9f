import autocannon from 'autocannon';

/** One load run: how many requests a second the server answered, and how slowly the slowest did. */
export interface LoadFigures {
  name: string;
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers outside 2xx, and socket errors or timeouts: a run with either is not a valid figure. */
  non2xx: number;
  errors: number;
  /** Mean bytes of a response body, for comparing payloads. */
  bytesPerResponse: number;
}

export interface LoadRequest {
  name: string;
  url: string;
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  /** Called per request: lets a run rotate over batches or days instead of repeating one call. */
  next?: () => { path: string; body?: string };
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
}

export async function runLoad(request: LoadRequest, options: LoadOptions): Promise<LoadFigures> {
  const { next } = request;
  const result = await autocannon({
    url: request.url,
    method: request.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...request.headers },
    connections: options.connections,
    duration: options.durationSeconds,
    ...(next
      ? {
          requests: [
            {
              setupRequest: (req) => {
                const call = next();
                return { ...req, path: call.path, ...(call.body === undefined ? {} : { body: call.body }) };
              },
            },
          ],
        }
      : {}),
  });
  return {
    name: request.name,
    connections: options.connections,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    bytesPerResponse: result.requests.total > 0 ? result.throughput.total / result.requests.total : 0,
  };
}
