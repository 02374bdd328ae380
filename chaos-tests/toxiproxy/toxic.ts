/**
 * A toxic as the API knows it (Toxiproxy's ToxicWrapper): its name, the stream it acts on, the
 * share of connections it affects, and its type with attributes. How its JSON looks and how
 * create and update bodies are read, in the order Toxiproxy checks them.
 */
import { StructFields } from './decode';
import { ErrInvalidStream, ErrInvalidToxicType, ErrToxicAlreadyExists } from './errors';
import { attributesJson, isToxicType, parseSpec, type ToxicSpec } from './toxics';

/** `upstream`: client -> server data; `downstream`: server -> client data. */
export type Direction = 'upstream' | 'downstream';

export interface Toxic {
  name: string;
  /** The stream as the request spelled it (Toxiproxy accepts any case and echoes it back). */
  stream: string;
  direction: Direction;
  /** The probability, rolled per connection, that the toxic acts on it (1: always). */
  toxicity: number;
  spec: ToxicSpec;
}

export interface ToxicJson {
  attributes: Record<string, number>;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

export function toxicJson(toxic: Toxic): ToxicJson {
  return {
    attributes: attributesJson(toxic.spec),
    name: toxic.name,
    type: toxic.spec.type,
    stream: toxic.stream,
    toxicity: toxic.toxicity,
  };
}

function parseDirection(stream: string): Direction {
  switch (stream.toLowerCase()) {
    case 'upstream':
      return 'upstream';
    case 'downstream':
      return 'downstream';
    default:
      throw ErrInvalidStream;
  }
}

/**
 * A new toxic from a `POST /proxies/{proxy}/toxics` body: stream defaults to downstream,
 * toxicity to 1, the name to `<type>_<stream>`. Refuses, in Toxiproxy's order: a malformed body
 * (400), an unknown stream (400) or type (400), a name already used on the proxy (409), attributes
 * of the wrong type (400).
 */
export function parseNewToxic(body: unknown, nameTaken: (name: string) => boolean): Toxic {
  const fields = StructFields.of(body, 'toxics.ToxicWrapper');
  const name = fields.string('name') ?? '';
  const type = fields.string('type') ?? '';
  const stream = fields.string('stream') ?? 'downstream';
  const toxicity = fields.float('toxicity') ?? 1;
  const attributes = fields.raw('attributes');
  // Toxiproxy first decodes the attributes into an empty struct: any object passes, nothing else.
  StructFields.of(attributes, 'toxics.NoopToxic', 'Go struct field ToxicWrapper.attributes');
  const direction = parseDirection(stream);
  const fullName = name === '' ? `${type}_${stream}` : name;
  if (!isToxicType(type)) throw ErrInvalidToxicType;
  if (nameTaken(fullName)) throw ErrToxicAlreadyExists;
  return { name: fullName, stream, direction, toxicity, spec: parseSpec(type, attributes) };
}

/**
 * What a `POST /proxies/{proxy}/toxics/{toxic}` body changes: the attributes it names and the
 * toxicity. Name, type and stream cannot change (Toxiproxy ignores them).
 */
export function parseToxicUpdate(toxic: Toxic, body: unknown): { spec: ToxicSpec; toxicity: number } {
  const fields = StructFields.of(body, 'toxics.ToxicWrapper');
  const toxicity = fields.float('toxicity') ?? toxic.toxicity;
  return { spec: parseSpec(toxic.spec.type, fields.raw('attributes'), toxic.spec), toxicity };
}
