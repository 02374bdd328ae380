import * as grpc from '@grpc/grpc-js';
import { FAILOVER_CHANNEL_OPTIONS, type FlotillaClient, loadFlotillaProto } from '../../proto/load';
import { type ErrorContext, toFlotillaError } from './errors';

/** Failover options, and room for a full fetch or produce batch per message. */
export const CLIENT_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  ...FAILOVER_CHANNEL_OPTIONS,
  'grpc.max_receive_message_length': 64 << 20,
  'grpc.max_send_message_length': 64 << 20,
};

const addresses = new WeakMap<FlotillaClient, string>();

/** The broker address a pooled client talks to, for error messages. */
export function addressOf(client: FlotillaClient): string | undefined {
  return addresses.get(client);
}

/** One gRPC channel per broker address, shared by every admin, producer and consumer call. */
export class ConnectionPool {
  private readonly clients = new Map<string, FlotillaClient>();
  private closed = false;

  constructor(private readonly options: grpc.ChannelOptions = CLIENT_CHANNEL_OPTIONS) {}

  /** The client for `address` (host:port), created on first use. */
  get(address: string): FlotillaClient {
    if (this.closed) throw new Error('connection pool is closed');
    let client = this.clients.get(address);
    if (!client) {
      const { Flotilla } = loadFlotillaProto();
      client = new Flotilla(address, grpc.credentials.createInsecure(), this.options);
      this.clients.set(address, client);
      addresses.set(client, address);
    }
    return client;
  }

  close(): void {
    this.closed = true;
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

type UnaryMethod<Req, Res> = (
  req: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: grpc.requestCallback<Res>,
) => grpc.ClientUnaryCall;

/** One unary call with a deadline, failing with a typed FlotillaError. */
export function unary<Req, Res>(
  client: FlotillaClient,
  method: UnaryMethod<Req, Res>,
  request: Req,
  timeoutMs: number,
  context: ErrorContext,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error) reject(toFlotillaError(error, { broker: addressOf(client), ...context }));
      else resolve(response as Res);
    });
  });
}
