import type { CommandSpec } from './args';

/** Every CLI command: its words, options, help text and examples. Handlers live in run.ts. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'start',
    summary: 'Run a Flotilla node (a single-node cluster by default)',
    details: [
      'Without --peers this node is a cluster of its own. With --peers, start every node with the',
      'same node ids (each with its own --node-id); each address is how THIS node reaches that node',
      '(a proxy in between is fine). Stop with Ctrl-C.',
      'Clients reach the node on --host:--port; other nodes on --host:--peer-port.',
    ].join('\n'),
    options: {
      'node-id': { type: 'string', valueName: 'N', description: 'this node\'s id, >= 1 (default 1)' },
      data: { type: 'string', valueName: 'DIR', description: 'where the node keeps its data (default ./data)' },
      host: { type: 'string', valueName: 'HOST', description: 'address to listen on (default 127.0.0.1)' },
      port: { type: 'string', valueName: 'N', description: 'client port (default 7001)' },
      'peer-port': { type: 'string', valueName: 'N', description: 'port for other nodes (default: client port + 100)' },
      advertise: {
        type: 'string',
        valueName: 'HOST:PORT',
        description: 'client address other nodes give to clients (default HOST:PORT)',
      },
      peers: {
        type: 'string',
        valueName: 'ID=HOST:PORT,...',
        description: 'every voter of the cluster and how to reach it (this node included)',
      },
      join: {
        type: 'string',
        valueName: 'HOST:PORT',
        description: 'join a running cluster through any node\'s peer address (instead of --peers); it gets no replicas until asked',
      },
      cluster: { type: 'string', valueName: 'N', description: 'run a local N-node cluster instead (same as dev-cluster --nodes N)' },
    },
    examples: [
      'flotilla start',
      'flotilla start --data /var/lib/flotilla --port 7001',
      'flotilla start --node-id 2 --host 127.0.0.2 --peers 1=127.0.0.1:7101,2=127.0.0.2:7101,3=127.0.0.3:7101',
      'flotilla start --cluster 3',
      'flotilla start --node-id 4 --host 127.0.0.4 --data ./data4 --join 127.0.0.1:7101',
    ],
  },
  {
    name: 'dev-cluster',
    summary: 'Run a local cluster of several nodes, one process each',
    details: [
      'On Linux the nodes listen on 127.0.0.1, 127.0.0.2, ... with the same ports; elsewhere (or with',
      '--same-host) on 127.0.0.1 with ports 7001, 7002, ... Node i keeps its data in DIR/node-i.',
      'Stop with Ctrl-C: every node is stopped.',
    ].join('\n'),
    options: {
      nodes: { type: 'string', valueName: 'N', description: 'number of nodes (default 3)' },
      data: { type: 'string', valueName: 'DIR', description: 'data directory of the cluster (default ./data)' },
      port: { type: 'string', valueName: 'N', description: 'client port of the first node (default 7001)' },
      'same-host': { type: 'boolean', description: 'all nodes on 127.0.0.1, distinct ports' },
    },
    examples: ['flotilla dev-cluster', 'flotilla dev-cluster --nodes 5 --data /tmp/flotilla'],
  },
  {
    name: 'topic create',
    summary: 'Create a topic',
    args: 'NAME',
    options: {
      partitions: { type: 'string', short: 'p', valueName: 'N', description: 'number of partitions (default 1)' },
      'replication-factor': {
        type: 'string',
        short: 'r',
        valueName: 'N',
        description: 'replicas per partition (default: 3, or fewer if the cluster is smaller)',
      },
      config: { type: 'string', short: 'c', multiple: true, valueName: 'KEY=VALUE', description: 'topic setting, e.g. retention.ms=86400000' },
    },
    examples: ['flotilla topic create orders --partitions 6', 'flotilla topic create audit -p 1 -r 3 -c retention.ms=604800000'],
  },
  {
    name: 'topic alter',
    summary: 'Add partitions to a topic',
    args: 'NAME',
    details: [
      'Grows the topic to --partitions in all (as kafka-topics --alter --partitions); partitions are',
      'never removed. The existing partitions keep their records, replicas and offsets; the new ones',
      'get replicas as topic create assigns them. Records with a key hash over the new count from',
      'then on, so a key\'s new records may go to another partition than its earlier ones (as in Kafka).',
    ].join('\n'),
    options: {
      partitions: { type: 'string', short: 'p', valueName: 'N', description: 'the new number of partitions, more than the topic has (required)' },
    },
    examples: ['flotilla topic alter orders --partitions 12'],
  },
  {
    name: 'topic list',
    summary: 'List topics',
    options: {},
    examples: ['flotilla topic list', 'flotilla topic list --json'],
  },
  {
    name: 'topic describe',
    summary: "Show a topic's partitions: leaders, replicas, offsets, and each replica's state and lag",
    args: 'NAME',
    details: [
      'Each replica is leader, in-sync, lagging (more than replica.lag.max.records behind), recovering',
      '(being sent a snapshot), learner, offline (not heard from within replica.lag.time.max.ms) or',
      'fenced, with its lag behind the high watermark in records and bytes, when the leader last heard',
      'from it, and its log end offset, as the partition\'s leader sees them.',
    ].join('\n'),
    options: {
      'under-replicated': { type: 'boolean', description: 'only partitions with a replica out of sync or no leader' },
    },
    examples: ['flotilla topic describe orders', 'flotilla topic describe orders --under-replicated'],
  },
  {
    name: 'topic delete',
    summary: 'Delete a topic and all its records',
    args: 'NAME',
    options: {},
    examples: ['flotilla topic delete orders'],
  },
  {
    name: 'produce',
    summary: 'Write records to a topic: the values given, or one per line of standard input',
    args: '[VALUE...]',
    details: [
      'Prints where the records went (partition and offsets). Progress goes to stderr when it is a terminal.',
      'A record not acknowledged within --timeout (default 30s) ends the command with exit code 1 and',
      'an "outcome unknown" count: such records may or may not be in the log.',
    ].join('\n'),
    options: {
      topic: { type: 'string', short: 't', valueName: 'TOPIC', description: 'topic to write to (required)' },
      key: { type: 'string', short: 'k', valueName: 'KEY', description: 'key of every record (same key, same partition)' },
      'key-separator': {
        type: 'string',
        valueName: 'SEP',
        description: 'split each input line at the first SEP into key and value',
      },
      partition: { type: 'string', short: 'p', valueName: 'N', description: 'write to this partition (default: by key)' },
      header: { type: 'string', short: 'H', multiple: true, valueName: 'KEY=VALUE', description: 'header of every record' },
      acks: { type: 'string', valueName: 'all|leader', description: 'wait for a quorum (all, default) or the leader only' },
      tombstone: { type: 'boolean', description: 'write one tombstone (a null value) for --key: on a compacted topic, deletes the key' },
    },
    examples: [
      'flotilla produce --topic orders "first order" "second order"',
      'flotilla produce -t orders -k customer-42 \'{"total": 12}\'',
      'cat events.txt | flotilla produce -t events',
      'printf "k1:v1\\nk2:v2\\n" | flotilla produce -t events --key-separator :',
      'flotilla produce -t users -k user-1 --tombstone',
    ],
  },
  {
    name: 'consume',
    summary: 'Read records from a topic',
    details: [
      'Without --follow, reads what the partitions hold now (from the beginning unless --offset)',
      'and exits. With --follow, waits for new records (from the end unless --from-beginning or',
      '--offset) until Ctrl-C or --max. Prints one value per line, or one JSON object per line with --json.',
      'Waits out leader elections; a partition without a leader for --timeout (default 30s) ends it with exit code 1.',
      'With --group, reads the partitions the group assigns, from its committed offsets (a partition with',
      'none starts at the end, or the beginning with --from-beginning), until Ctrl-C or --max, and commits.',
    ].join('\n'),
    options: {
      topic: { type: 'string', short: 't', valueName: 'TOPIC', description: 'topic to read (required)' },
      partition: { type: 'string', short: 'p', valueName: 'N', description: 'only this partition (default: all)' },
      'from-beginning': { type: 'boolean', description: 'start at the first record' },
      offset: { type: 'string', short: 'o', valueName: 'N', description: 'start at this offset (needs --partition)' },
      follow: { type: 'boolean', short: 'f', description: 'keep waiting for new records' },
      max: { type: 'string', short: 'n', valueName: 'N', description: 'stop after N records' },
      'print-key': { type: 'boolean', description: 'print "key<TAB>value"' },
      'print-offset': { type: 'boolean', description: 'print "partition:offset<TAB>" before each record' },
      group: {
        type: 'string',
        short: 'g',
        valueName: 'NAME',
        description: 'consume as a member of this consumer group (until Ctrl-C or --max; commits what it printed)',
      },
    },
    examples: [
      'flotilla consume --topic orders',
      'flotilla consume -t orders --group billing --from-beginning',
      'flotilla consume -t orders -p 0 --offset 100 --max 10',
      'flotilla consume -t orders --follow',
      'flotilla consume -t orders --from-beginning --follow --json',
    ],
  },
  {
    name: 'group list',
    summary: 'List consumer groups',
    options: {},
    examples: ['flotilla group list'],
  },
  {
    name: 'group describe',
    summary: "Show a consumer group: members, assignment, and per partition the committed offset, log end and lag",
    args: 'NAME',
    options: {},
    examples: ['flotilla group describe billing', 'flotilla group describe billing --json'],
  },
  {
    name: 'group reset-offsets',
    summary: "Move a consumer group's committed offsets of a topic",
    args: 'NAME',
    details: [
      'The group must have no live members (stop them first). Moves every partition of --topic (or only',
      '--partition) to the log start, the log end, an offset, or the first record at or after a time.',
    ].join('\n'),
    options: {
      topic: { type: 'string', short: 't', valueName: 'TOPIC', description: 'the topic whose offsets move (required)' },
      partition: { type: 'string', short: 'p', valueName: 'N', description: 'only this partition (default: all)' },
      'to-earliest': { type: 'boolean', description: 'to the log start' },
      'to-latest': { type: 'boolean', description: 'to the log end (skip everything)' },
      'to-offset': { type: 'string', valueName: 'N', description: 'to this offset' },
      'to-datetime': { type: 'string', valueName: 'ISO-8601', description: 'to the first record at or after this time' },
    },
    examples: [
      'flotilla group reset-offsets billing --topic orders --to-earliest',
      'flotilla group reset-offsets billing -t orders -p 0 --to-offset 1200',
      'flotilla group reset-offsets billing -t orders --to-datetime 2026-01-31T12:00:00Z',
    ],
  },
  {
    name: 'group delete',
    summary: 'Delete an empty consumer group and its committed offsets',
    args: 'NAME',
    options: {},
    examples: ['flotilla group delete billing'],
  },
  {
    name: 'partition reassign',
    summary: "Move a partition's replicas to other nodes, online",
    args: 'TOPIC PARTITION',
    details: [
      'The partition keeps serving throughout: its leader adds each new replica as a learner, promotes',
      'it to a voter once it has caught up, then removes the old replicas, whose nodes delete their',
      'copies. The first node of --replicas becomes the preferred leader. Prints each replica\'s state',
      'as it changes and returns once every target replica is in sync (or at --wait-timeout; the move',
      'goes on in the background).',
    ].join('\n'),
    options: {
      replicas: { type: 'string', valueName: 'N,N,...', description: 'the target replicas (node ids), preferred leader first' },
      'no-wait': { type: 'boolean', description: 'return once the target is recorded' },
      'wait-timeout': { type: 'string', valueName: 'SECONDS', description: 'how long to wait for the move (default 600)' },
    },
    examples: ['flotilla partition reassign orders 0 --replicas 2,3,4'],
  },
  {
    name: 'node drain',
    summary: 'Move every replica off a node (before replacing or removing it)',
    args: 'NODE',
    details: [
      'Each partition with a replica on NODE gets the live node holding the fewest replicas in its',
      'place (as partition reassign). Works while NODE is down, as long as a majority of each of its',
      'partitions is up.',
    ].join('\n'),
    options: {
      'no-wait': { type: 'boolean', description: 'return once the moves are recorded' },
      'wait-timeout': { type: 'string', valueName: 'SECONDS', description: 'how long to wait for the moves (default 600)' },
    },
    examples: ['flotilla node drain 3'],
  },
  {
    name: 'node remove',
    summary: 'Drain a node, then remove it from the cluster',
    args: 'NODE',
    options: {
      'wait-timeout': { type: 'string', valueName: 'SECONDS', description: 'how long to wait for the drain (default 600)' },
    },
    examples: ['flotilla node remove 3'],
  },
  {
    name: 'cluster status',
    summary: 'Show the nodes, the metadata leader and partition health',
    details: [
      'Exits with 1 if no node answers. Per node: the partitions it leads, follows in sync, and is out of',
      'sync on; then the partitions without a leader and the under-replicated ones (a leader, but fewer',
      'replicas in sync than assigned), naming the replicas out of sync.',
    ].join('\n'),
    options: {},
    examples: ['flotilla cluster status', 'flotilla cluster status --brokers 127.0.0.2:7001 --json'],
  },
];

/** The first words of multi-word commands ("topic", "cluster"). */
export const GROUPS = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]))];
