import * as grpc from '@grpc/grpc-js';
import type { ProduceRequest, ProduceResponse, ProduceStreamResponse } from '../../proto/load';
import { type ErrorContext, errorFromStatus, type FlotillaError, fromErrorStatus, toFlotillaError } from './errors';
import type { Router } from './router';

interface Pending {
  resolve: (response: ProduceResponse) => void;
  reject: (error: FlotillaError) => void;
  timer: NodeJS.Timeout;
  context: ErrorContext;
}

interface OpenStream {
  call: grpc.ClientDuplexStream<{ correlationId: number; request: ProduceRequest }, ProduceStreamResponse>;
  pending: Map<number, Pending>;
}

/**
 * One ProduceStream per broker, carrying every produce request this producer sends there, each
 * tagged with a correlation id. A request's own failure comes back in-band; if the stream itself
 * breaks, every request still waiting on it fails with a retriable error (its outcome unknown).
 */
export class ProduceStreams {
  private readonly streams = new Map<string, OpenStream>();
  private nextCorrelation = 1;

  constructor(
    private readonly router: Router,
    private readonly timeoutMs: number,
  ) {}

  /** `timeoutMs`: this request's own limit (default: the client's request timeout). */
  send(address: string, request: ProduceRequest, timeoutMs = this.timeoutMs): Promise<ProduceResponse> {
    return new Promise((resolve, reject) => {
      const context: ErrorContext = { topic: request.topic, partition: request.partition, broker: address };
      // A conditional append's errors (OffsetMismatchError) say which offset it expected.
      if (request.expectedOffset !== undefined && request.expectedOffset >= 0) context.offset = request.expectedOffset;
      let stream: OpenStream;
      try {
        stream = this.stream(address);
      } catch (error) {
        reject(toFlotillaError(error, context));
        return;
      }
      const correlationId = this.nextCorrelation++;
      // No answer in time: the stream may be wedged (a peer that vanished without closing), so drop
      // it, as Kafka drops a connection on a request timeout; everything waiting on it is retried.
      // A request given less than the full timeout (its delivery deadline is near) fails alone:
      // its deadline says nothing about the stream.
      const timer = setTimeout(() => {
        const p = stream.pending.get(correlationId);
        if (!p) return;
        const status = { code: grpc.status.DEADLINE_EXCEEDED, details: `no answer to a produce request within ${timeoutMs} ms; its outcome is unknown` };
        if (timeoutMs >= this.timeoutMs) {
          this.drop(address, stream, status);
        } else {
          stream.pending.delete(correlationId);
          p.reject(toFlotillaError(status, context));
        }
      }, timeoutMs);
      stream.pending.set(correlationId, { resolve, reject, timer, context });
      stream.call.write({ correlationId, request });
    });
  }

  /** Ends every stream; requests still waiting fail as if the connection dropped. */
  close(): void {
    for (const [address, stream] of this.streams) {
      this.streams.delete(address);
      stream.call.end();
      this.failAll(stream, address, new Error('producer closed'));
    }
  }

  private stream(address: string): OpenStream {
    const existing = this.streams.get(address);
    if (existing) return existing;
    const call = this.router.client(address).produceStream();
    const stream: OpenStream = { call, pending: new Map() };
    this.streams.set(address, stream);
    call.on('data', (message: ProduceStreamResponse) => {
      const p = stream.pending.get(message.correlationId);
      if (!p) return; // timed out already
      stream.pending.delete(message.correlationId);
      clearTimeout(p.timer);
      if (message.error) {
        p.reject(fromErrorStatus(message.error, p.context));
      } else if (message.response) {
        p.resolve(message.response);
      } else {
        p.reject(
          errorFromStatus(grpc.status.INTERNAL, 'produce answer carried neither a response nor an error', {}, p.context),
        );
      }
    });
    call.on('error', (error) => this.drop(address, stream, error));
    call.on('end', () => this.drop(address, stream, { code: grpc.status.UNAVAILABLE, details: 'produce stream ended by the server' }));
    return stream;
  }

  private drop(address: string, stream: OpenStream, error: unknown): void {
    if (this.streams.get(address) === stream) {
      this.streams.delete(address);
      stream.call.cancel();
    }
    this.failAll(stream, address, error);
  }

  private failAll(stream: OpenStream, address: string, error: unknown): void {
    for (const [id, p] of stream.pending) {
      stream.pending.delete(id);
      clearTimeout(p.timer);
      const e = toFlotillaError(
        typeof (error as { code?: unknown }).code === 'number'
          ? error
          : { code: grpc.status.UNAVAILABLE, details: `produce stream to ${address} broke: ${String(error)}` },
        p.context,
      );
      p.reject(e);
    }
  }
}
