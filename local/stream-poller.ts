import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type ShardIteratorType,
  TrimmedDataAccessException,
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
 *
 * With a checkpoint file it keeps its place as the event source mapping does: after each
 * batch the handler finished, the last sequence number of each shard is written there, and
 * the next start reads on from it, so the records written just before a stop (or a kill) are
 * routed after the restart, not skipped. DynamoDB Local keeps its stream records in its files.
 */
export interface StreamPollerOptions {
  endpoint: string;
  region: string;
  tableName: string;
  /**
   * Where a shard with no checkpoint starts: the stream's beginning (a table made just now)
   * or now. Shards found after the start, and shards a checkpoint file knows nothing of, always
   * start at their beginning.
   */
  fromStart: boolean;
  /** Where the position in the stream is kept between runs; none keeps it in memory only. */
  checkpointFile?: string;
  filters: FilterPattern[];
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  intervalMs?: number;
  batchSize?: number;
  maxRetries: number;
}

interface ShardState {
  iterator?: string;
  lastSequenceNumber?: string;
  /** Started at LATEST and read nothing yet: there is no position to write down. */
  positionUnknown: boolean;
  /** Records read but not yet handled successfully. */
  pending: DynamoDBRecord[];
  closed: boolean;
  failures: number;
}

const DISCOVER_EVERY_MS = 5_000;

/** The checkpoint file: the last sequence number handled in each shard of one stream. */
interface Checkpoint {
  stream: string;
  shards: Record<string, string>;
}

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

  // Positions of a checkpoint of another stream (the table was made anew) mean nothing here.
  const saved = readCheckpoint(options.checkpointFile);
  const checkpoint: Checkpoint = saved?.stream === streamArn ? saved : { stream: streamArn, shards: {} };
  const hadCheckpoint = saved?.stream === streamArn;

  const resumeAfter = async (shardId: string, sequenceNumber: string) => {
    try {
      return await iteratorFor(shardId, 'AFTER_SEQUENCE_NUMBER', sequenceNumber);
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException)) throw error;
      // Stream records are kept 24 hours: what was written that long before the start is gone.
      logger.warn('local stream poller: records past the checkpoint were trimmed; reading from the oldest one kept', {
        shard_id: shardId,
      });
      return iteratorFor(shardId, 'TRIM_HORIZON');
    }
  };

  const discover = async (initial: boolean) => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const listed = new Set<string>();
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId) continue;
      listed.add(shard.ShardId);
      if (shards.has(shard.ShardId)) continue;
      const position = checkpoint.shards[shard.ShardId];
      if (position) {
        shards.set(shard.ShardId, {
          iterator: await resumeAfter(shard.ShardId, position),
          lastSequenceNumber: position,
          positionUnknown: false,
          pending: [],
          closed: false,
          failures: 0,
        });
        continue;
      }
      // Without a checkpoint, shards found at startup start at now (or the beginning for a new
      // table); shards found later, or unknown to a checkpoint, from their beginning.
      const latest = initial && !options.fromStart && !hadCheckpoint;
      shards.set(shard.ShardId, {
        iterator: await iteratorFor(shard.ShardId, latest ? 'LATEST' : 'TRIM_HORIZON'),
        positionUnknown: latest,
        pending: [],
        closed: false,
        failures: 0,
      });
    }
    // A shard the stream no longer lists was trimmed away: its position is of no use.
    if (initial) {
      for (const shardId of Object.keys(checkpoint.shards)) if (!listed.has(shardId)) delete checkpoint.shards[shardId];
    }
  };

  /**
   * Written whole to a new file and renamed over the old one, so a kill never leaves half a
   * file. Positions of closed shards stay: without them the next start would read those
   * shards again from their beginning. Nothing is written while a shard started at LATEST
   * has no position yet: the next start would read it from the beginning.
   */
  const saveCheckpoint = () => {
    if (!options.checkpointFile) return;
    for (const [shardId, state] of shards) {
      if (state.positionUnknown) return;
      if (state.lastSequenceNumber) checkpoint.shards[shardId] = state.lastSequenceNumber;
    }
    writeCheckpoint(options.checkpointFile, checkpoint);
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
          : await iteratorFor(shardId, state.positionUnknown ? 'LATEST' : 'TRIM_HORIZON');
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
      state.positionUnknown = false;
      state.failures = 0;
      saveCheckpoint();
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
      if (state.pending.length === 0) {
        state.lastSequenceNumber = last;
        state.positionUnknown = false;
        saveCheckpoint();
      }
      return;
    }
    await sleep(Math.min(200 * 2 ** state.failures, 5_000));
  };

  await discover(true);
  // Written at once, so that a stop before the first batch still reads on from here next time.
  saveCheckpoint();
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

function readCheckpoint(file: string | undefined): Checkpoint | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Checkpoint>;
    return typeof parsed.stream === 'string' && parsed.shards && typeof parsed.shards === 'object'
      ? { stream: parsed.stream, shards: { ...parsed.shards } }
      : undefined;
  } catch {
    return undefined;
  }
}

function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  const next = `${file}.next`;
  writeFileSync(next, `${JSON.stringify(checkpoint, null, 2)}\n`);
  renameSync(next, file);
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
