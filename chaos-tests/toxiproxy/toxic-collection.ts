/**
 * A proxy's toxics (Toxiproxy's ToxicCollection): one chain per direction, in the order the
 * toxics were added, and the links of the proxy's open connections. Every change applies to the
 * chains, which new connections copy, and to every open link of that direction.
 */
import type { Connection } from './connection';
import { ErrToxicNotFound } from './errors';
import type { Link } from './link';
import { parseNewToxic, parseToxicUpdate, type Direction, type Toxic } from './toxic';

export class ToxicCollection {
  private readonly chains: Record<Direction, Toxic[]> = { upstream: [], downstream: [] };
  private readonly links = new Set<Link>();

  /** Every toxic: the upstream ones, then the downstream ones, as Toxiproxy lists them. */
  list(): Toxic[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  get(name: string): Toxic {
    const toxic = this.list().find((t) => t.name === name);
    if (!toxic) throw ErrToxicNotFound;
    return toxic;
  }

  /** Starts a new connection's links with the toxics in force. */
  attach(connection: Connection): void {
    for (const link of [connection.up, connection.down]) {
      link.start(this.chains[link.direction]);
      this.links.add(link);
    }
  }

  detach(connection: Connection): void {
    this.links.delete(connection.up);
    this.links.delete(connection.down);
  }

  /** Adds the toxic a create body describes, to the end of its direction's chain. */
  add(body: unknown): Toxic {
    const toxic = parseNewToxic(body, (name) => this.list().some((t) => t.name === name));
    this.chains[toxic.direction].push(toxic);
    for (const link of this.linksOf(toxic.direction)) link.addToxic(toxic);
    return toxic;
  }

  /** Changes a toxic's attributes and toxicity; open connections re-roll the toxicity. */
  async update(name: string, body: unknown): Promise<Toxic> {
    const toxic = this.get(name);
    const { spec, toxicity } = parseToxicUpdate(toxic, body);
    toxic.spec = spec;
    toxic.toxicity = toxicity;
    await Promise.all(this.linksOf(toxic.direction).map((link) => link.updateToxic(toxic)));
    return toxic;
  }

  async remove(name: string): Promise<void> {
    const toxic = this.get(name);
    const chain = this.chains[toxic.direction];
    chain.splice(chain.indexOf(toxic), 1);
    await Promise.all(this.linksOf(toxic.direction).map((link) => link.removeToxic(toxic)));
  }

  /** Removes every toxic, first to last. */
  async reset(): Promise<void> {
    for (const toxic of this.list()) await this.remove(toxic.name);
  }

  private linksOf(direction: Direction): Link[] {
    return [...this.links].filter((l) => l.direction === direction);
  }
}
