#!/usr/bin/env node
import { Command, Option } from 'commander';
import { generateWebhookSecret } from '../webhooks.ts';
import { bodyFrom, connectionFrom, durationMs, UsageError, type GlobalOptions } from './config.ts';
import { ApiCallError, request } from './http.ts';
import { listen } from './listen.ts';
import { EVENT_TYPES, isEventType, trigger } from './trigger.ts';

/** `osma`: listen for events, trigger them, and make raw calls to the Osma API. */
const program = new Command('osma')
  .description('The Osma API from a terminal: forward events to a local server, trigger events, make raw calls.')
  .option('--api-key <key>', 'API key (default: OSMA_API_KEY)')
  .option('--api-base <url>', 'API base URL (default: OSMA_API_BASE or http://localhost:3000)')
  .option('--live', 'allow a live-mode key (sk_live_...); without it only test keys are used', false)
  .showHelpAfterError();

const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();
const print = (line: string) => process.stdout.write(`${line}\n`);

program
  .command('listen')
  .description('Follow the events of the key\'s organization and mode and forward each, signed, to a local URL')
  .requiredOption('-f, --forward-to <url>', 'where to POST each event')
  .option('-e, --events <types>', `comma-separated event types to forward (${EVENT_TYPES.join(', ')}); default all`)
  .option('--secret <whsec>', 'sign with this secret instead of a new one (default: OSMA_WEBHOOK_SECRET or a new secret)')
  .option('--since <duration>', 'also forward events created this long before the start (30s, 10m, 2h, 1d)', '0s')
  .option('--interval <ms>', 'how often to poll GET /events', '1000')
  .option('--overlap <duration>', 'how far behind the newest event each poll reads again', '10s')
  .action(async (options: { forwardTo: string; events?: string; secret?: string; since: string; interval: string; overlap: string }, command: Command) => {
    const connection = connectionFrom(globals(command));
    try {
      new URL(options.forwardTo);
    } catch {
      throw new UsageError(`--forward-to is not a URL: ${options.forwardTo}`);
    }
    const events = options.events ? options.events.split(',').map((name) => name.trim()).filter(Boolean) : [];
    const unknown = events.filter((name) => !isEventType(name));
    if (unknown.length) throw new UsageError(`Unknown event types: ${unknown.join(', ')} (known: ${EVENT_TYPES.join(', ')})`);
    const intervalMs = Number(options.interval);
    if (!Number.isInteger(intervalMs) || intervalMs < 100) throw new UsageError('--interval is a whole number of milliseconds, at least 100');
    const secret = options.secret ?? process.env.OSMA_WEBHOOK_SECRET ?? generateWebhookSecret();
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    print(`Ready! Your webhook signing secret is ${secret} (^C to quit)`);
    print(`Forwarding ${events.length ? events.join(', ') : 'all events'} to ${options.forwardTo}`);
    await listen(connection, {
      forwardTo: options.forwardTo,
      secret,
      events,
      intervalMs,
      overlapMs: durationMs(options.overlap),
      lookBackMs: durationMs(options.since),
      out: print,
      signal: stop.signal,
    });
  });

program
  .command('trigger')
  .description('Make an event happen in test mode, creating what it needs (a template, a member, a task, then the change)')
  .addArgument(new Command().createArgument('<event>', 'the event type').choices(EVENT_TYPES))
  .action(async (event: string, _options: object, command: Command) => {
    const connection = connectionFrom(globals(command));
    if (!isEventType(event)) throw new UsageError(`Unknown event type ${event}`);
    await trigger(connection, event, print);
  });

for (const method of ['get', 'post', 'delete'] as const) {
  program
    .command(method)
    .description(`${method.toUpperCase()} a path of the API and print the JSON answer and its request-id`)
    .argument('<path>', 'e.g. /members/mem_... or /tasks?status=ready')
    .addOption(
      new Option('-d, --data <item>', 'body field: name=value (string), name:=json, or a whole JSON object; repeatable')
        .argParser((value: string, previous: string[] = []) => [...previous, value])
        .hideHelp(method !== 'post'),
    )
    .action(async (path: string, options: { data?: string[] }, command: Command) => {
      const connection = connectionFrom(globals(command));
      if (method !== 'post' && options.data?.length) throw new UsageError(`${method} takes no body (-d)`);
      const answer = await request(connection, method.toUpperCase(), path, bodyFrom(options.data ?? []));
      process.stderr.write(`HTTP ${answer.status}  request-id: ${answer.requestId ?? '(none)'}\n`);
      print(typeof answer.body === 'string' || answer.body === undefined ? answer.text : JSON.stringify(answer.body, null, 2));
      if (answer.status >= 400) process.exitCode = 1;
    });
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`osma: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`osma: ${error instanceof ApiCallError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
