/**
 * Request bodies decoded the way Toxiproxy's Go server decodes them (encoding/json into a struct),
 * so that a body it accepts is accepted here and one it refuses is refused with the same status:
 * unknown keys are ignored, keys match field names case-insensitively, `null` leaves a field as it
 * was, an empty body is "EOF", and a value of the wrong type is a 400 naming the field.
 */
import { ApiError, ErrBadRequestBody } from './errors';

type GoKind = 'string' | 'bool' | 'int64' | 'float32' | 'object';

/** Parses a request body; an empty or malformed one is a 400 "bad request body: ...". */
export function parseBody(text: string): unknown {
  if (text.trim() === '') throw ApiError.joined(ErrBadRequestBody, 'EOF');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw ApiError.joined(ErrBadRequestBody, (error as Error).message);
  }
}

/** What Go calls a JSON value in its unmarshal errors ("number 5", "string", "array"). */
export function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'object') return 'object';
  return 'string';
}

function unmarshalError(value: unknown, into: string, goType: string): ApiError {
  const what = jsonKind(value);
  return ApiError.joined(ErrBadRequestBody, `json: cannot unmarshal ${what} into ${into} of type ${goType}`);
}

/**
 * The fields of a JSON object being decoded into the Go struct `struct`. A top-level `null` decodes
 * to no fields, as in Go; anything but an object or null is refused.
 */
export class StructFields {
  private constructor(
    private readonly object: Record<string, unknown>,
    private readonly structName: string,
  ) {}

  static of(value: unknown, struct: string, path = `Go value`): StructFields {
    if (value === null || value === undefined) return new StructFields({}, struct);
    if (typeof value !== 'object' || Array.isArray(value)) throw unmarshalError(value, path, struct);
    return new StructFields(value as Record<string, unknown>, struct);
  }

  /** The value of `field`: the last key matching it case-insensitively, as encoding/json decodes. */
  raw(field: string): unknown {
    let found: unknown;
    for (const key of Object.keys(this.object)) {
      if (key.toLowerCase() === field.toLowerCase()) found = this.object[key];
    }
    return found;
  }

  string(field: string): string | undefined {
    return this.typed(field, 'string') as string | undefined;
  }

  bool(field: string): boolean | undefined {
    return this.typed(field, 'bool') as boolean | undefined;
  }

  /** An int64 field. Relies on the value being within Number.MAX_SAFE_INTEGER, as any sane attribute is. */
  int(field: string): number | undefined {
    return this.typed(field, 'int64') as number | undefined;
  }

  float(field: string): number | undefined {
    return this.typed(field, 'float32') as number | undefined;
  }

  /** A nested struct field, `undefined` when absent or null. */
  struct(field: string, goType: string): StructFields | undefined {
    const value = this.typed(field, 'object', goType);
    return value === undefined ? undefined : new StructFields(value as Record<string, unknown>, goType);
  }

  private typed(field: string, kind: GoKind, goType: string = kind): unknown {
    const value = this.raw(field);
    if (value === undefined || value === null) return undefined;
    const ok =
      kind === 'string'
        ? typeof value === 'string'
        : kind === 'bool'
          ? typeof value === 'boolean'
          : kind === 'int64'
            ? typeof value === 'number' && Number.isInteger(value)
            : kind === 'float32'
              ? typeof value === 'number'
              : typeof value === 'object' && !Array.isArray(value);
    // Go names the struct without its package here: "Go struct field Proxy.name".
    if (!ok) throw unmarshalError(value, `Go struct field ${this.structName.replace(/^.*\./, '')}.${field}`, goType);
    return value;
  }
}
