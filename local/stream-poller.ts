import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#shared/platform/logger';
import { matchesFilter, type FilterPattern } from '#shared/api/webhooks/stream-filter';

/**
 * Plays Lambda's DynamoDB stream event source for the local stack: it reads DynamoDB Local's
 * stream shard by shard, keeps the records that the filter patterns pass (as the event
 * source mapping's filter criteria do), and calls the handler with the DynamoDBStreamEvent
 * a Lambda would get. A reported batch item failure is retried from that record on, after a
 * pause, as Lambda does; after `maxRetries` failed retries of one record it is given up (and
 * logged), as the deployed event source gives a batch up to its dead-letter queue.
 */
export interface StreamPollerOptions {
  endpoint: string;
  region: string;
  tableName: string;
  /** Read from the stream's beginning (a table made just now) rather than from now on. */
  fromStart: boolean;
  filters: FilterPattern[];
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  intervalMs?: number;
  batchSize?: number;
  maxRetries: number;
}

interface ShardState {
  iterator?: string;
  lastSequenceNumber?: string;
  /** Records read but not yet handled successfully. */
  pending: DynamoDBRecord[];
  closed: boolean;
  failures: number;
}

const DISCOVER_EVERY_MS = 5_000;

export async function startStreamPoller(options: StreamPollerOptions): Promise<{ stop: () => Promise<void> }> {
  const config = {
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const dynamo = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  dynamo.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
  const interval = options.intervalMs ?? 200;
  const batchSize = options.batchSize ?? 100;
  const shards = new Map<string, ShardState>();
  let stopping = false;
  let sleeper: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      sleeper = { timer: setTimeout(resolve, ms), resolve };
    });

  const iteratorFor = async (shardId: string, type: ShardIteratorType, sequenceNumber?: string) =>
    (
      await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }),
      )
    ).ShardIterator;

  const discover = async (initial: boolean) => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      // Shards found at startup start at now (or the beginning for a new table); later ones from their start.
      const type: ShardIteratorType = initial && !options.fromStart ? 'LATEST' : 'TRIM_HORIZON';
      shards.set(shard.ShardId, { iterator: await iteratorFor(shard.ShardId, type), pending: [], closed: false, failures: 0 });
    }
  };

  const pollShard = async (shardId: string, state: ShardState) => {
    if (state.pending.length === 0 && state.iterator) {
      try {
        const result = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: batchSize }));
        state.iterator = result.NextShardIterator;
        state.pending = (result.Records ?? []).map((record) => lambdaRecord(record, streamArn));
      } catch (error) {
        if (!(error instanceof ExpiredIteratorException)) throw error;
        state.iterator = state.lastSequenceNumber
          ? await iteratorFor(shardId, 'AFTER_SEQUENCE_NUMBER', state.lastSequenceNumber)
          : await iteratorFor(shardId, 'LATEST');
        return;
      }
      if (!state.iterator) state.closed = true;
    }
    if (state.pending.length === 0) return;
    const last = state.pending[state.pending.length - 1]!.dynamodb!.SequenceNumber;
    const wanted = state.pending.filter((record) => matchesFilter(record, options.filters));
    let failedAt: string | undefined;
    if (wanted.length > 0) {
      try {
        const response = await options.handler({ Records: wanted });
        failedAt = response?.batchItemFailures?.[0]?.itemIdentifier;
      } catch (error) {
        logger.error('local stream poller: the handler failed', { error: error as Error });
        failedAt = wanted[0]!.dynamodb!.SequenceNumber;
      }
    }
    if (failedAt === undefined) {
      state.pending = [];
      state.lastSequenceNumber = last;
      state.failures = 0;
      return;
    }
    // Retry from the failed record on, after a growing pause; give it up after maxRetries.
    const index = Math.max(state.pending.findIndex((record) => record.dynamodb?.SequenceNumber === failedAt), 0);
    state.pending = state.pending.slice(index);
    state.failures += 1;
    if (state.failures > options.maxRetries) {
      const [given] = state.pending.splice(0, 1);
      logger.error('local stream poller: a record failed every retry and is given up (the stack sends it to the DLQ)', {
        sequence_number: given?.dynamodb?.SequenceNumber,
        event_id: given?.eventID,
      });
      state.failures = 0;
      if (state.pending.length === 0) state.lastSequenceNumber = last;
      return;
    }
    await sleep(Math.min(200 * 2 ** state.failures, 5_000));
  };

  await discover(true);
  const loop = (async () => {
    let lastDiscovery = Date.now();
    while (!stopping) {
      try {
        if (Date.now() - lastDiscovery > DISCOVER_EVERY_MS) {
          lastDiscovery = Date.now();
          await discover(false);
        }
        for (const [shardId, state] of shards) {
          if (stopping) break;
          await pollShard(shardId, state);
          if (state.closed && state.pending.length === 0) shards.delete(shardId);
        }
      } catch (error) {
        if (!stopping) logger.error('local stream poller failed; polling on', { error: error as Error });
      }
      if (!stopping) await sleep(interval);
    }
  })();

  return {
    stop: async () => {
      stopping = true;
      if (sleeper) {
        clearTimeout(sleeper.timer);
        sleeper.resolve();
      }
      await loop;
      streams.destroy();
    },
  };
}

/** A record as Lambda hands it over: the stream's record plus the source ARN, times in seconds. */
function lambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...rest } = record.dynamodb ?? {};
  const dynamodb = {
    ...rest,
    ...(rest.Keys && { Keys: repairImage(rest.Keys) }),
    ...(rest.NewImage && { NewImage: repairImage(rest.NewImage) }),
    ...(rest.OldImage && { OldImage: repairImage(rest.OldImage) }),
  };
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(dynamodb as DynamoDBRecord['dynamodb']),
      ...(ApproximateCreationDateTime && { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) }),
    },
  };
}

type Image = NonNullable<NonNullable<StreamRecord['dynamodb']>['NewImage']>;
type Value = Image[string];

/**
 * DynamoDB Local writes an empty map into its stream records as `{}` instead of `{"M": {}}`
 * (DynamoDB's stream, and so Lambda, write `{"M": {}}`); an attribute value has exactly one
 * type key, so a value with none is that empty map.
 */
function repairImage(image: Image): Image {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repairValue(value)]));
}

function repairValue(value: Value): Value {
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.M) return { M: repairImage(value.M as Image) } as Value;
  if (value.L) return { L: value.L.map((item) => repairValue(item as Value)) } as Value;
  return value;
}
