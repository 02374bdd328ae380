import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { FAILOVER_CHANNEL_OPTIONS, type FlotillaClient, type FlotillaDefinition, loadFlotillaProto } from '../../proto/load';
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

/** The Flotilla methods that take one request and give one answer, by their client (lowerCamel) names. */
export type UnaryMethod = Uncapitalize<Exclude<MethodName, 'ProduceStream' | 'Subscribe'>>;
/** The service's method names (grpc-js's ServiceDefinition adds an index signature, left out). */
type MethodName = keyof { [K in keyof FlotillaDefinition as string extends K ? never : number extends K ? never : K]: unknown } & string;
type DefinitionOf<M extends UnaryMethod> = FlotillaDefinition[Capitalize<M>];
/** What a call of `M` sends (any form grpc-js accepts) and what it answers (as grpc-js decodes it), from the generated definition. */
type RequestOf<M extends UnaryMethod> = DefinitionOf<M> extends MethodDefinition<infer Req, any, any, any> ? Req : never;
type ResponseOf<M extends UnaryMethod> = DefinitionOf<M> extends MethodDefinition<any, any, any, infer Res> ? Res : never;

/** One unary call with a deadline, failing with a typed FlotillaError. */
export function unary<M extends UnaryMethod>(
  client: FlotillaClient,
  method: M,
  request: RequestOf<M>,
  timeoutMs: number,
  context: ErrorContext,
): Promise<ResponseOf<M>> {
  // The generated client declares each method with four overloads; this is the one called.
  const call = client[method] as unknown as (
    req: RequestOf<M>,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<ResponseOf<M>>,
  ) => grpc.ClientUnaryCall;
  return new Promise((resolve, reject) => {
    call.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error) reject(toFlotillaError(error, { broker: addressOf(client), ...context }));
      else resolve(response as ResponseOf<M>);
    });
  });
}
