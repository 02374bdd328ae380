import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Entry, EntryType, type HardState, type Snapshot, UNAVAILABLE } from '../raft/types';
import { CorruptionError, StoreOpenError } from './errors';
import { entryKey, NODE_KEY, snapshotKey, stateKey } from './keys';
import { LogStore } from './log-store';
import { SimKv } from './sim-kv';
import { VirtualClock } from './virtual-clock';

/**
 * LogStore over SimKv, in virtual time: random Ready-like batches over a few groups (appends with
 * overwrites, hard states, snapshots with and without compaction, snapshot installs, group drops,
 * consumer reads), committed synced or not, pipelined or not, a power loss at a random virtual
 * moment, reopen, check, go on. The store must come back exactly as it was after some batch, no
 * earlier than the last synced batch that resolved; every read answers what was written, or (with
 * faults injected) CorruptionError.
 */

const GROUPS = [1, 2, 7];
const CONF = { voters: [1, 2, 3], learners: [] };
const STORE = { clusterId: 'sim', nodeId: 1, cacheBytes: 800 };

// --- The model: what each group holds after each batch -------------------------------------------

interface GroupModel {
  readonly hardState: HardState;
  readonly snapIndex: number;
  readonly snapTerm: number;
  /** Indexes snapIndex + 1 .. */
  readonly entries: readonly Entry[];
  readonly latest?: { index: number; term: number; data: Buffer };
}

/** The groups that have a state record on disk (a group is written by its first batch, removed by its drop). */
type NodeModel = ReadonlyMap<number, GroupModel>;

const FRESH: GroupModel = { hardState: { term: 0, vote: 0, commit: 0 }, snapIndex: 0, snapTerm: 0, entries: [] };
const firstOf = (m: GroupModel) => m.snapIndex + 1;
const lastOf = (m: GroupModel) => m.snapIndex + m.entries.length;
const termAt = (m: GroupModel, i: number) => (i === m.snapIndex ? m.snapTerm : m.entries[i - m.snapIndex - 1].term);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function groupView(v: { first: number; last: number; hardState: HardState; snapTerm: number; entries: readonly Entry[]; latest?: { index: number; term: number; data: Uint8Array } }): string {
  const { term, vote, commit } = v.hardState;
  return JSON.stringify({
    first: v.first,
    last: v.last,
    hardState: [term, vote, commit],
    snapTerm: v.snapTerm,
    entries: v.entries.map((e) => `${e.term}:${hex(e.data)}`),
    latest: v.latest && `${v.latest.index}:${v.latest.term}:${hex(v.latest.data)}`,
  });
}

const nodeView = (node: NodeModel) =>
  GROUPS.map((g) => {
    const m = node.get(g);
    return m ? groupView({ first: firstOf(m), last: lastOf(m), hardState: m.hardState, snapTerm: m.snapTerm, entries: m.entries, latest: m.latest }) : 'absent';
  }).join(' | ');

// --- What the host does --------------------------------------------------------------------------

type GroupOp =
  /** Entries from some index on (overwriting an uncommitted suffix); the commit index moves up by up to `commitBump`. */
  | { t: 'append'; group: number; back: number; count: number; termBump: number; size: number; commitBump: number }
  /** A new hard state; the commit index moves up by up to `commitBump`, never past the log. */
  | { t: 'hardState'; group: number; term: number; vote: number; commitBump: number }
  | { t: 'snapshot'; group: number; back: number; compact: boolean }
  | { t: 'install'; group: number; ahead: number; termBump: number };

type Step =
  /** One Ready cycle of several groups; `await`: wait for the commit before the next step (else pipeline). */
  | { t: 'batch'; ops: GroupOp[]; sync: boolean; await: boolean; wait: number }
  | { t: 'drop'; group: number; await: boolean; wait: number }
  /**
   * A consumer reads committed entries (`core`: false), or the Raft core reads any entries through
   * Storage.entries(), retrying after onEntriesLoaded when told UNAVAILABLE. from/to pick the
   * range, budget cuts it.
   */
  | { t: 'read'; core: boolean; group: number; from: number; to: number; budget: number; wait: number };

const group = fc.constantFrom(...GROUPS);
const wait = fc.oneof(fc.constant(0), fc.nat(12));
const groupOpArb: fc.Arbitrary<GroupOp> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('append' as const), group, back: fc.nat(10), count: fc.integer({ min: 1, max: 6 }), termBump: fc.nat(2), size: fc.nat(200), commitBump: fc.oneof(fc.constant(0), fc.nat(5)) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('hardState' as const), group, term: fc.nat(20), vote: fc.nat(3), commitBump: fc.nat(6) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('snapshot' as const), group, back: fc.nat(6), compact: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('install' as const), group, ahead: fc.integer({ min: 1, max: 8 }), termBump: fc.nat(2) }) },
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('batch' as const), ops: fc.array(groupOpArb, { minLength: 1, maxLength: 4 }), sync: fc.boolean(), await: fc.boolean(), wait }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('drop' as const), group, await: fc.boolean(), wait }) },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant('read' as const), core: fc.boolean(), group, from: fc.double({ min: 0, max: 1, noNaN: true }), to: fc.double({ min: 0, max: 1, noNaN: true }), budget: fc.nat(800), wait }),
  },
);
/**
 * The steps of one incarnation of the node, and when (in virtual ticks) the power fails: at
 * `crashAt`, or as soon as the host has issued its last step if `crashWhenDone` (with its writes,
 * reads and background deletions maybe still in flight).
 */
const roundArb = fc.record({ steps: fc.array(stepArb, { minLength: 1, maxLength: 20, size: 'medium' }), crashAt: fc.nat(100), crashWhenDone: fc.boolean() });

function entry(index: number, term: number, size: number, salt: number): Entry {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (index * 31 + salt * 7 + i) & 0xff;
  return { index, term, type: EntryType.Normal, data };
}

/**
 * Stage `op` in the batch and return the group's model after it, or undefined if the store takes
 * it as a no-op (the group is then not written by it). Mirrors StoreBatch's rules.
 */
function stageOp(batch: ReturnType<LogStore['beginBatch']>, op: GroupOp, m: GroupModel, salt: number): GroupModel | undefined {
  switch (op.t) {
    case 'append': {
      // Overwrite a suffix as a new leader does, never a committed entry.
      const from = Math.max(firstOf(m), lastOf(m) + 1 - op.back, m.hardState.commit + 1);
      const term = termAt(m, from - 1) + op.termBump;
      const entries = Array.from({ length: op.count }, (_, i) => entry(from + i, term, op.size, salt + i));
      const commit = Math.max(m.hardState.commit, Math.min(from + op.count - 1, m.hardState.commit + op.commitBump));
      const hardState = commit === m.hardState.commit ? undefined : { ...m.hardState, commit };
      batch.stage(op.group, { entries, hardState });
      return { ...m, entries: [...m.entries.slice(0, from - firstOf(m)), ...entries], hardState: hardState ?? m.hardState };
    }
    case 'hardState': {
      const commit = Math.max(m.hardState.commit, Math.min(lastOf(m), m.hardState.commit + op.commitBump));
      const hardState = { term: op.term, vote: op.vote, commit };
      batch.stage(op.group, { entries: [], hardState });
      return { ...m, hardState };
    }
    case 'snapshot': {
      const index = lastOf(m) - op.back;
      if (index < firstOf(m)) return undefined;
      const data = Buffer.from(`group ${op.group} state at ${index} #${salt}`);
      let next: GroupModel | undefined;
      batch.createSnapshot(op.group, index, CONF, data);
      if (!m.latest || index > m.latest.index) {
        const commit = Math.max(m.hardState.commit, index);
        next = { ...m, latest: { index, term: termAt(m, index), data }, hardState: { ...m.hardState, commit } };
      }
      if (op.compact && index > m.snapIndex) {
        batch.compact(op.group, index);
        const base = next ?? m;
        next = { ...base, snapIndex: index, snapTerm: termAt(m, index), entries: m.entries.slice(index - m.snapIndex) };
      }
      return next;
    }
    case 'install': {
      const index = lastOf(m) + op.ahead;
      const term = termAt(m, lastOf(m)) + op.termBump;
      const data = Buffer.from(`group ${op.group} installed at ${index} #${salt}`);
      const snap: Snapshot = { metadata: { index, term, conf: CONF }, data };
      batch.stage(op.group, { entries: [], snapshot: snap });
      return { hardState: { ...m.hardState, commit: Math.max(m.hardState.commit, index) }, snapIndex: index, snapTerm: term, entries: [], latest: { index, term, data } };
    }
  }
}

/** MemoryStorage's cut: entries [lo, hi), at least one, then while the data fits in `budget`. */
function expectedRead(m: GroupModel, lo: number, hi: number, budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (let i = lo; i < hi; i++) {
    const e = m.entries[i - firstOf(m)];
    if (out.length > 0 && used + e.data.length > budget) break;
    out.push(`${e.index}:${e.term}:${hex(e.data)}`);
    used += e.data.length;
  }
  return out;
}

// --- One simulated node --------------------------------------------------------------------------

interface Faults {
  /** SimKv's latency bound: how far concurrent operations can drift apart. */
  maxLatency: number;
  readCorruptionPercent: number;
}

class SimNode {
  readonly clock: VirtualClock;
  kv: SimKv;
  store!: LogStore;
  node: NodeModel = new Map();
  salt = 0;
  /** Problems found by checks that ran inside the host (reads), reported at the end of the round. */
  problems: string[] = [];
  crashes = 0;
  diskReads = 0;
  readsChecked = 0;
  coreReadsAfterLoad = 0;
  /** Reads answered CorruptionError by a transient read fault. */
  readsCorrupt = 0;
  /** The host's model as of its latest step (staging changes the store's memory at once). */
  private current: NodeModel = new Map();
  /** Core reads told UNAVAILABLE, by group, to retry when the store reports the load done. */
  private waiters = new Map<number, Array<() => void>>();

  constructor(
    seed: number,
    readonly faults: Faults,
  ) {
    this.clock = new VirtualClock(seed);
    this.kv = new SimKv(this.clock, faults);
  }

  /** Open the store, retrying an open that failed on a transient read fault (a real operator would retry too). */
  async open(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.store = await this.clock.settle(LogStore.openOn(this.kv, 'sim', STORE));
        return;
      } catch (e) {
        if (this.faults.readCorruptionPercent === 0 || attempt === 30 || !(e instanceof CorruptionError || e instanceof StoreOpenError)) throw e;
        await this.clock.settle(this.kv.open()); // the failed open closed it
      }
    }
  }

  /**
   * Run one incarnation: the host's steps until the power fails at `crashAt`; then reopen and
   * check. Returns how many of the batches (and drops) the host issued the crash lost.
   */
  async round({ steps, crashAt, crashWhenDone }: { steps: readonly Step[]; crashAt: number; crashWhenDone: boolean }): Promise<number> {
    const units: Array<{ node: NodeModel; view: string; syncedWrite: boolean; resolved: boolean }> = [
      // What the store holds when it opens is on disk for good (LevelDB's open writes it into a synced table).
      { node: this.node, view: nodeView(this.node), syncedWrite: true, resolved: true },
    ];
    let crashed = false;
    let hostDone = false;
    const hostError: unknown[] = [];
    const track = (unit: (typeof units)[number], p: Promise<void>) =>
      p.then(
        () => (unit.resolved = true),
        (e: unknown) => {
          if (!crashed) hostError.push(e);
        },
      );

    this.current = this.node;
    this.waiters.clear();
    this.store.onEntriesLoaded = (g) => {
      const waiting = this.waiters.get(g) ?? [];
      this.waiters.delete(g);
      for (const retry of waiting) retry();
    };
    const host = async () => {
      let node = this.node;
      for (const step of steps) {
        if (crashed) return;
        switch (step.t) {
          case 'batch': {
            const batch = this.store.beginBatch();
            const next = new Map(node);
            for (const op of step.ops) {
              this.store.openGroup(op.group, CONF);
              const after = stageOp(batch, op, next.get(op.group) ?? FRESH, (this.salt += 10));
              if (after) next.set(op.group, after);
            }
            // An empty batch writes nothing, so its sync makes nothing durable.
            const unit = { node: next, view: nodeView(next), syncedWrite: step.sync && !batch.isEmpty(), resolved: false };
            units.push(unit);
            node = this.current = next;
            const done = track(unit, batch.commit({ sync: step.sync }));
            if (step.await) await done;
            break;
          }
          case 'drop': {
            const next = new Map(node);
            next.delete(step.group);
            const unit = { node: next, view: nodeView(next), syncedWrite: true, resolved: false };
            units.push(unit);
            node = this.current = next;
            const done = track(unit, this.store.dropGroup(step.group));
            if (step.await) await done;
            break;
          }
          case 'read':
            if (step.core) this.coreRead(step, () => crashed, undefined, 0);
            else this.read(node, step, () => crashed);
            break;
        }
        if (step.wait > 0) await this.clock.sleep(step.wait);
      }
    };
    void host().then(
      () => (hostDone = true),
      (e: unknown) => {
        if (!crashed) hostError.push(e);
        hostDone = true;
      },
    );

    await this.clock.run({ until: this.clock.now + crashAt, stop: () => crashWhenDone && hostDone });
    crashed = true;
    this.diskReads += this.store.stats().diskReads;
    this.kv.crash();
    this.clock.clear();
    this.crashes++;
    expect(hostError, 'the host failed before the crash').toEqual([]);

    let floor = 0;
    units.forEach((u, i) => {
      if (u.syncedWrite && u.resolved) floor = i;
    });
    this.kv = this.kv.reopen();
    await this.open();
    const view = await this.storeView();
    let k = -1;
    for (let i = units.length - 1; i >= floor; i--) {
      if (units[i].view === view) {
        k = i;
        break;
      }
    }
    if (k < 0) {
      const earlier = units.findIndex((u) => u.view === view);
      throw new Error(
        `after the crash the store matches no batch from ${floor} (the last synced batch that resolved) to ${units.length - 1}` +
          (earlier >= 0 ? `: it is back at batch ${earlier}, a synced batch was lost` : ': it is a state no prefix of the batches gives') +
          `\n  store:    ${view}\n  expected: ${units[floor].view}`,
      );
    }
    this.node = units[k].node;
    expect(this.problems).toEqual([]);
    return units.length - 1 - k;
  }

  /** A consumer reads committed entries; the answer must be exactly what was written, or (with faults) CorruptionError. */
  private read(node: NodeModel, step: Extract<Step, { t: 'read' }>, crashed: () => boolean): void {
    const m = node.get(step.group);
    const g = this.store.group(step.group);
    if (!m || !g) return;
    const first = firstOf(m);
    const last = Math.min(lastOf(m), m.hardState.commit);
    if (last < first) return;
    const n = last - first + 1;
    const lo = first + Math.min(n - 1, Math.floor(step.from * n));
    const hi = Math.min(last + 1, lo + 1 + Math.floor(step.to * (last + 1 - lo)));
    const want = expectedRead(m, lo, hi, step.budget);
    void g.readEntries(lo, hi, step.budget).then(
      (got) => {
        if (crashed()) return;
        this.readsChecked++;
        const seen = got.map((e) => `${e.index}:${e.term}:${hex(e.data)}`);
        // The exact cut, unless the log was compacted past the answer, replaced or dropped meanwhile: then a prefix of it.
        const gone = this.store.group(step.group) !== g || g.snapIndex >= lo + got.length;
        const ok = gone && seen.length > 0 && seen.length < want.length ? JSON.stringify(seen) === JSON.stringify(want.slice(0, seen.length)) : JSON.stringify(seen) === JSON.stringify(want);
        if (!ok) this.problems.push(`group ${step.group} read [${lo}, ${hi}) budget ${step.budget}: got ${seen.join(',')}, want ${want.join(',')}`);
      },
      (e: unknown) => {
        if (crashed()) return;
        if (e instanceof CorruptionError && this.faults.readCorruptionPercent > 0 && e.group === step.group) this.readsCorrupt++;
        else this.problems.push(`group ${step.group} read [${lo}, ${hi}) failed: ${String(e)}`);
      },
    );
  }

  /**
   * The Raft core's read: answered at once from memory (a non-empty prefix of the model's answer
   * now), or UNAVAILABLE and retried when the store reports the load done. The range is the one
   * first asked while it is still in the log, else picked again.
   */
  private coreRead(step: Extract<Step, { t: 'read' }>, crashed: () => boolean, asked: { lo: number; hi: number } | undefined, tries: number): void {
    if (crashed()) return;
    const m = this.current.get(step.group);
    const g = this.store.group(step.group);
    if (!m || !g || lastOf(m) < firstOf(m)) return;
    const first = firstOf(m);
    const last = lastOf(m);
    let range = asked;
    if (!range || range.lo < first || range.hi > last + 1) {
      const n = last - first + 1;
      const lo = first + Math.min(n - 1, Math.floor(step.from * n));
      range = { lo, hi: Math.min(last + 1, lo + 1 + Math.floor(step.to * (last + 1 - lo))) };
    }
    const { lo, hi } = range;
    const want = expectedRead(m, lo, hi, step.budget);
    let got: readonly Entry[] | typeof UNAVAILABLE;
    try {
      got = g.entries(lo, hi, step.budget);
    } catch (e) {
      if (e instanceof CorruptionError && this.faults.readCorruptionPercent > 0 && e.group === step.group) this.readsCorrupt++;
      else this.problems.push(`group ${step.group} core read [${lo}, ${hi}) failed: ${String(e)}`);
      return;
    }
    if (got === UNAVAILABLE) {
      // Writes landing meanwhile can make a load stale (it is then dropped and done again): a few tries.
      if (tries < 4) {
        const list = this.waiters.get(step.group) ?? [];
        list.push(() => this.coreRead(step, crashed, range, tries + 1));
        this.waiters.set(step.group, list);
      }
      return;
    }
    this.readsChecked++;
    if (tries > 0) this.coreReadsAfterLoad++;
    const seen = got.map((e) => `${e.index}:${e.term}:${hex(e.data)}`);
    if (seen.length === 0 || JSON.stringify(seen) !== JSON.stringify(want.slice(0, seen.length))) {
      this.problems.push(`group ${step.group} core read [${lo}, ${hi}) budget ${step.budget}: got ${seen.join(',')}, want a prefix of ${want.join(',')}`);
    }
  }

  /** Everything the reopened store says about each group, checked for consistency on the way. */
  async storeView(): Promise<string> {
    for (const id of this.store.groupIds()) expect(GROUPS).toContain(id);
    const parts: string[] = [];
    for (const id of GROUPS) {
      const g = this.store.group(id);
      if (!g) {
        parts.push('absent');
        continue;
      }
      const first = g.firstIndex();
      const last = g.lastIndex();
      const entries = last < first ? [] : await this.readAll(id, first, last + 1);
      // The log holds exactly the indexes its state record says, with the terms its term runs say.
      expect(entries.map((e) => e.index)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
      for (const e of entries) expect(g.term(e.index)).toBe(e.term);
      const latest = g.latestSnapshot();
      parts.push(
        groupView({
          first,
          last,
          hardState: g.hardState,
          snapTerm: g.term(first - 1),
          entries,
          latest: latest && { index: latest.metadata.index, term: latest.metadata.term, data: latest.data },
        }),
      );
    }
    return parts.join(' | ');
  }

  /** A whole-log read; with transient read faults, retried until one read gets through clean. */
  private async readAll(id: number, lo: number, hi: number): Promise<Entry[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.clock.settle(this.store.group(id)!.readEntries(lo, hi, Infinity));
      } catch (e) {
        if (this.faults.readCorruptionPercent === 0 || attempt === 50 || !(e instanceof CorruptionError)) throw e;
        expect(e).toMatchObject({ group: id });
        this.readsCorrupt++;
      }
    }
  }
}

const RUNS = Number(process.env.CRASH_SIM_RUNS ?? 400);
/** Replay a failure: fast-check prints its seed and path; CRASH_SIM_SEED=S CRASH_SIM_PATH=P runs exactly that case. */
const REPLAY = process.env.CRASH_SIM_SEED ? { seed: Number(process.env.CRASH_SIM_SEED), path: process.env.CRASH_SIM_PATH, endOnFailure: true } : {};

describe('LogStore over SimKv: crashes at random virtual moments', () => {
  it('after any power loss every group is back exactly at one batch boundary, no earlier than the last synced batch that resolved, its state matching its entries', async () => {
    let crashes = 0;
    let reads = 0;
    let coreAfterLoad = 0;
    let diskReads = 0;
    let lost = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(1, 4, 12), fc.array(roundArb, { minLength: 1, maxLength: 3 }), async (seed, maxLatency, rounds) => {
        const sim = new SimNode(seed, { maxLatency, readCorruptionPercent: 0 });
        await sim.open();
        for (const r of rounds) lost += await sim.round(r);
        crashes += sim.crashes;
        reads += sim.readsChecked;
        diskReads += sim.diskReads;
        coreAfterLoad += sim.coreReadsAfterLoad;
      }),
      { numRuns: RUNS, ...REPLAY },
    );
    if (process.env.CRASH_SIM_SEED) return; // a replay runs one case: the coverage counts below do not apply
    expect(crashes).toBeGreaterThan(RUNS);
    expect(reads).toBeGreaterThan(RUNS);
    expect(diskReads).toBeGreaterThan(RUNS / 4); // reads did go to the disk, past the tiny cache
    expect(coreAfterLoad).toBeGreaterThan(RUNS / 10); // and the core's reads were answered after async loads
    expect(lost).toBeGreaterThan(RUNS / 10); // crashes did lose batches that were not synced yet
  });
});

describe('LogStore over SimKv: scripted races, many seeds', () => {
  it('entries a pipelined batch rewrote are read as rewritten at every moment, before and after either batch lands', async () => {
    for (let seed = 1; seed <= 150; seed++) {
      const clock = new VirtualClock(seed);
      const kv = new SimKv(clock, { maxLatency: 12 });
      // A cache of one byte: every entry known to be on disk is evicted at once.
      const store = await clock.settle(LogStore.openOn(kv, 'sim', { ...STORE, cacheBytes: 1 }));
      const g = store.openGroup(1, CONF);
      const a = store.beginBatch();
      a.stage(1, { entries: Array.from({ length: 10 }, (_, i) => entry(i + 1, 1, 8, 1)) });
      const landedA = a.commit({ sync: clock.int(2) === 0 });
      // A new leader replaces 5..10 and goes on to 12, before batch A has landed.
      const b = store.beginBatch();
      b.stage(1, { entries: Array.from({ length: 8 }, (_, i) => entry(i + 5, 2, 8, 2)) });
      let landed = false;
      void Promise.all([landedA, b.commit({ sync: true })]).then(() => (landed = true));
      const want = [1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2];
      for (let reads = 0; !landed || reads === 0; reads++) {
        expect((await clock.settle(g.readEntries(1, 13, Infinity))).map((e) => e.term)).toEqual(want);
        await clock.run({ until: clock.now + 1 });
      }
      await clock.settle(store.close());
      await clock.settle(kv.open());
      const again = await clock.settle(LogStore.openOn(kv, 'sim', STORE));
      expect((await clock.settle(again.group(1)!.readEntries(1, 13, Infinity))).map((e) => e.term)).toEqual(want);
      await clock.settle(again.close());
    }
  });

  it('a read spanning disk and cache gets the exact byte-budget cut even when writes landing meanwhile evict the cached part', async () => {
    let raced = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const clock = new VirtualClock(seed);
      const kv = new SimKv(clock, { maxLatency: 12 });
      // A cache of one byte: entries leave it as soon as their write has landed.
      const store = await clock.settle(LogStore.openOn(kv, 'sim', { ...STORE, cacheBytes: 1 }));
      const g = store.openGroup(1, CONF);
      const a = store.beginBatch();
      a.stage(1, { entries: Array.from({ length: 3 }, (_, i) => entry(i + 1, 1, 8, 1)) });
      await clock.settle(a.commit({ sync: true }));
      const b = store.beginBatch();
      b.stage(1, { entries: Array.from({ length: 3 }, (_, i) => entry(i + 4, 1, 8, 1)) });
      const landed = b.commit({ sync: true });
      // 1..3 are on disk only, 4..6 in memory only until batch b lands, which may be while the disk is read.
      const before = store.stats().diskReads;
      const got = await clock.settle(g.readEntries(1, 7, 40));
      expect(got.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
      if (store.stats().diskReads - before > 1) raced++;
      await clock.settle(landed);
      await clock.settle(store.close());
    }
    expect(raced).toBeGreaterThan(0);
  });

  it("a dropped group's id reused at once: the old group's background deletions never touch the new group's entries", async () => {
    for (let seed = 1; seed <= 150; seed++) {
      const clock = new VirtualClock(seed);
      const kv = new SimKv(clock, { maxLatency: 12 });
      const store = await clock.settle(LogStore.openOn(kv, 'sim', STORE));
      store.openGroup(1, CONF);
      store.openGroup(2, CONF);
      const a = store.beginBatch();
      // Both groups compact: their old entries are deleted in the background, group 2's (many) first.
      a.stage(2, { entries: Array.from({ length: 60 }, (_, i) => entry(i + 1, 1, 8, 3)) });
      a.stage(1, { entries: Array.from({ length: 30 }, (_, i) => entry(i + 1, 1, 8, 1)) });
      for (const [g, at] of [[2, 60], [1, 30]]) {
        a.createSnapshot(g, at, CONF, Buffer.from('s'));
        a.compact(g, at);
      }
      const landed = a.commit({ sync: true });
      // Nothing awaited: the drop and the new group's first batch queue behind it.
      const dropped = store.dropGroup(1);
      store.openGroup(1, CONF);
      const b = store.beginBatch();
      b.stage(1, { entries: Array.from({ length: 10 }, (_, i) => entry(i + 1, 2, 8, 2)) });
      const fresh = b.commit({ sync: true });
      await clock.settle(Promise.all([landed, dropped, fresh]));
      await clock.settle(store.close());
      await clock.settle(kv.open());
      const again = await clock.settle(LogStore.openOn(kv, 'sim', STORE));
      const got = await clock.settle(again.group(1)!.readEntries(1, 11, Infinity));
      expect(got.map((e) => `${e.index}:${e.term}`)).toEqual(Array.from({ length: 10 }, (_, i) => `${i + 1}:2`));
      await clock.settle(again.close());
    }
  });
});

type Rot = { kind: 'entry' | 'state' | 'snapshot' | 'identity'; pick: number; at: number };

describe('LogStore over SimKv: corruption', () => {
  it('a rotted value (entry, group state, snapshot, identity) is reported, never served; transient read faults give CorruptionError or the bytes written', async () => {
    const detected = { entry: 0, state: 0, snapshot: 0, identity: 0 };
    let transient = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(0, 1, 3),
        fc.array(roundArb, { minLength: 1, maxLength: 2 }),
        fc.record({ kind: fc.constantFrom('entry' as const, 'state' as const, 'snapshot' as const, 'identity' as const), pick: fc.nat(), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
        async (seed, readCorruptionPercent, rounds, rot: Rot) => {
          const sim = new SimNode(seed, { maxLatency: 4, readCorruptionPercent });
          await sim.open();
          for (const r of rounds) await sim.round(r);
          transient += sim.readsCorrupt;
          await sim.clock.settle(sim.store.close());

          // Choose a live value of that kind; the store is closed, so exactly the model's keys hold live data.
          const present = [...sim.node].filter(([, m]) => (rot.kind === 'entry' ? m.entries.length > 0 : rot.kind === 'snapshot' ? m.latest !== undefined : true));
          const kind = rot.kind === 'identity' || present.length === 0 ? 'identity' : rot.kind;
          let target: Buffer = NODE_KEY;
          let group = -1;
          let index = -1;
          if (kind !== 'identity') {
            const [g, m] = present[rot.pick % present.length];
            group = g;
            index = firstOf(m) + Math.min(m.entries.length - 1, Math.floor(rot.at * m.entries.length));
            target = kind === 'entry' ? entryKey(g, index) : kind === 'state' ? stateKey(g) : snapshotKey(g);
          }
          expect(sim.kv.corruptStoredValue((k) => k.equals(target))).toBe(true);
          await sim.clock.settle(sim.kv.open());

          // Without read faults every attempt below must fail. With them, a second flip can undo the rot
          // for one read: that read may then succeed, and must answer exactly what was written.
          const exact = readCorruptionPercent === 0;
          if (kind !== 'entry') {
            // The node refuses to start, every time it tries.
            for (let attempt = 0; attempt < 3; attempt++) {
              const outcome = await sim.clock.settle(LogStore.openOn(sim.kv, 'sim', STORE)).then(
                (store) => store,
                (e: unknown) => e,
              );
              if (outcome instanceof LogStore) {
                if (exact) throw new Error(`the store opened over a rotted ${kind} record${kind === 'identity' ? '' : ` of group ${group}`}`);
                sim.store = outcome;
                expect(await sim.storeView()).toBe(nodeView(sim.node));
                await sim.clock.settle(outcome.close());
              } else if (!exact) expect(outcome instanceof CorruptionError || outcome instanceof StoreOpenError).toBe(true);
              else if (kind === 'identity') expect(String(outcome)).toMatch(/corrupt identity record/);
              // Neither names an index: a state record has none, and a rotted snapshot's own index cannot be trusted.
              else expect(outcome).toMatchObject({ name: 'CorruptionError', group, index: undefined });
              await sim.clock.settle(sim.kv.open());
            }
            detected[kind]++;
            return;
          }
          // An entry: the node starts; a read of that entry, or of the whole log, fails naming it.
          await sim.open();
          const g = sim.store.group(group)!;
          const m = sim.node.get(group)!;
          for (let attempt = 0; attempt < 3; attempt++) {
            for (const [lo, hi] of [
              [index, index + 1],
              [g.firstIndex(), g.lastIndex() + 1],
            ]) {
              const outcome = await sim.clock.settle(g.readEntries(lo, hi, Infinity)).then(
                (entries) => entries,
                (e: unknown) => e,
              );
              if (Array.isArray(outcome)) {
                if (exact) throw new Error(`a read of group ${group} [${lo}, ${hi}) over the rotted entry ${index} succeeded`);
                expect(outcome.map((e) => `${e.index}:${e.term}:${hex(e.data)}`)).toEqual(expectedRead(m, lo, hi, Infinity));
              } else if (exact) expect(outcome).toMatchObject({ name: 'CorruptionError', group, index });
              else expect(outcome).toMatchObject({ name: 'CorruptionError', group });
            }
          }
          detected.entry++;
          await sim.clock.settle(sim.store.close());
        },
      ),
      { numRuns: Math.ceil(RUNS / 2), ...REPLAY },
    );
    if (process.env.CRASH_SIM_SEED) return; // a replay runs one case: the coverage counts below do not apply
    for (const kind of Object.keys(detected) as Array<keyof typeof detected>) expect(detected[kind], `runs that rotted a ${kind}`).toBeGreaterThan(0);
    expect(transient).toBeGreaterThan(0);
  });
});

describe('LogStore over SimKv: damage the value checksums alone do not catch', () => {
  /** A store with group 1 compacted at 5 (entries 6..8 left), closed, and its SimKv reopened. */
  async function compactedStore(seed: number): Promise<{ clock: VirtualClock; kv: SimKv }> {
    const clock = new VirtualClock(seed);
    const kv = new SimKv(clock);
    const store = await clock.settle(LogStore.openOn(kv, 'sim', STORE));
    store.openGroup(1, CONF);
    const b = store.beginBatch();
    b.stage(1, { entries: Array.from({ length: 8 }, (_, i) => entry(i + 1, 1, 8, 1)) });
    b.createSnapshot(1, 5, CONF, Buffer.from('s'));
    b.compact(1, 5);
    await clock.settle(b.commit({ sync: true }));
    await clock.settle(store.close());
    await clock.settle(kv.open());
    return { clock, kv };
  }

  it('a directory that holds data but lost its identity record is refused, not adopted under the identity asked for', async () => {
    const { clock, kv } = await compactedStore(1);
    await clock.settle(kv.batch([{ type: 'del', key: NODE_KEY }], { sync: true }));
    const err = await clock.settle(LogStore.openOn(kv, 'sim', { ...STORE, nodeId: 2 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect(String(err)).toMatch(/holds data but no identity record/);
    // An empty database is a new node: it gets the identity.
    const fresh = new SimKv(clock);
    const store = await clock.settle(LogStore.openOn(fresh, 'fresh', STORE));
    await clock.settle(store.close());
  });

  it('a snapshot record whose index bytes rot past 2^53 is reported as corrupt, like any other flip', async () => {
    const { clock, kv } = await compactedStore(3);
    const stored = (await clock.settle(kv.get(snapshotKey(1))))!;
    for (const at of [4, 5, 11]) {
      const rotted = Buffer.from(stored);
      rotted[at] ^= 0xff;
      await clock.settle(kv.put(snapshotKey(1), rotted, { sync: true }));
      const err = await clock.settle(LogStore.openOn(kv, 'sim', STORE)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CorruptionError);
      expect(err).toMatchObject({ group: 1, index: undefined, what: 'snapshot' });
      await clock.settle(kv.open());
    }
  });

  it("a compacted group whose snapshot record is gone is reported as corrupt, not served as an empty snapshot", async () => {
    const { clock, kv } = await compactedStore(2);
    await clock.settle(kv.batch([{ type: 'del', key: snapshotKey(1) }], { sync: true }));
    const err = await clock.settle(LogStore.openOn(kv, 'sim', STORE)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptionError);
    expect(err).toMatchObject({ group: 1, index: 5, what: 'snapshot (missing)' });
  });
});
