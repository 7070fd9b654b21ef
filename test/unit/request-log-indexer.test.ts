import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { handler } from '#functions/platform/request-log-indexer';
import { timeComparisons } from '#shared/http/jsonapi';
import { decodeSubscriptionPayload, indexSubscriptionPayload, requestLogItem, requestLogItems } from '#shared/identity/request-logs/index';
import { REQUEST_LOG_RETENTION_SECONDS } from '#shared/identity/request-logs/keys';
import { idFloor, newId } from '#shared/platform/ids';

const ORG = `org_${'3'.repeat(27)}`;
const NOW = Date.parse('2026-03-01T12:00:00.000Z');

/** A request line as the handler wrapper prints it (shared/http/handler.ts, shared/api/surface.ts). */
function requestLine(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    level: 'INFO',
    message: 'request',
    timestamp: '2026-03-01T11:59:59.250Z',
    service: 'osma-api',
    sampling_rate: 0,
    request_id: '2339cf46-35fc-40b2-87ea-325f5663f807',
    route: 'getMember',
    route_path: '/members/{id}',
    method: 'GET',
    path: '/members/mem_x',
    status: 404,
    duration_ms: 55.4,
    plane: 'api',
    organization_id: ORG,
    mode: 'test',
    api_key_id: 'key_3MhRyUHrfUlKOB6Uzy7u6stC1JL',
    api_version: '2022-07-19',
    error_type: 'invalid_request_error',
    error_code: 'resource_not_found',
    ...fields,
  });
}

/** What CloudWatch Logs hands a subscribed function: JSON, gzipped, base64-encoded, in `awslogs.data`. */
function subscriptionEvent(messages: string[], messageType = 'DATA_MESSAGE') {
  const payload = {
    messageType,
    owner: '123456789012',
    logGroup: '/aws/lambda/Osma-dev-GetMember',
    logStream: '2026/03/01/[$LATEST]abcdef',
    subscriptionFilters: ['RequestLogs'],
    logEvents: messages.map((message, i) => ({ id: String(i), timestamp: NOW - 500, message })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}

describe('the request log indexer', () => {
  it('decodes a CloudWatch Logs subscription payload and makes one item per request line, keyed for a GetItem and the per-mode list', () => {
    // Prepare
    const event = subscriptionEvent([requestLine(), requestLine({ request_id: 'b1', mode: 'live', status: 201, error_type: undefined, error_code: undefined, idempotent_replayed: true })]);

    // Act
    const payload = decodeSubscriptionPayload(event.awslogs.data);
    const items = requestLogItems(payload.logEvents, NOW);

    // Assess
    expect(payload.logGroup).toBe('/aws/lambda/Osma-dev-GetMember');
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({
      pk: `ORG#${ORG}#REQLOG#2339cf46-35fc-40b2-87ea-325f5663f807`,
      sk: 'REQLOG',
      gsi1pk: `ORG#${ORG}#test#REQLOG`,
      gsi1sk: '2026-03-01T11:59:59.250Z#2339cf46-35fc-40b2-87ea-325f5663f807',
      entity: 'request_log',
      request_id: '2339cf46-35fc-40b2-87ea-325f5663f807',
      organization_id: ORG,
      mode: 'test',
      method: 'GET',
      path: '/members/mem_x',
      route: 'GET /members/{id}',
      operation_id: 'getMember',
      status: 404,
      duration_ms: 55,
      api_version: '2022-07-19',
      error_type: 'invalid_request_error',
      error_code: 'resource_not_found',
      idempotent_replayed: false,
      api_key_id: 'key_3MhRyUHrfUlKOB6Uzy7u6stC1JL',
      created_at: '2026-03-01T11:59:59.250000+00:00',
      expires_at: Math.floor(Date.parse('2026-03-01T11:59:59.250Z') / 1000) + REQUEST_LOG_RETENTION_SECONDS,
    });
    expect(items[1]).toMatchObject({ gsi1pk: `ORG#${ORG}#live#REQLOG`, status: 201, idempotent_replayed: true, error_code: undefined });
  });

  it('ignores every line that is not a request line of the public API, and keeps nothing but the listed fields', () => {
    // Prepare
    const lines = [
      JSON.stringify({ level: 'WARN', message: 'request log payload refused', organization_id: ORG }),
      requestLine({ plane: undefined, user_id: 'usr_x' }), // a management API request line
      requestLine({ organization_id: undefined, mode: undefined }), // a route without a key (the document)
      requestLine({ organization_id: 'org_../../x' }),
      requestLine({ mode: 'sandbox' }),
      requestLine({ request_id: 'a#b' }),
      requestLine({ request_id: 'x'.repeat(65) }),
      requestLine({ method: 'BREW' }),
      requestLine({ path: 'members' }),
      requestLine({ status: '404' }),
      requestLine({ status: 99 }),
      requestLine({ timestamp: '2020-01-01T00:00:00.000Z' }), // older than the retention: deleted at once
      '{"message":"request", broken',
      'START RequestId: 1 Version: $LATEST',
      '',
    ];
    const kept = requestLine({ request_id: 'c1', body: { name: 'Daisy' }, query: 'email=daisy@osma.com', authorization: 'sk_test_x', route_path: '/members/{id}<script>', api_key_id: 'sk_test_secret', error_code: 'Not A Code' });

    // Act
    const ignored = requestLogItems(lines.map((message) => ({ timestamp: NOW, message })), NOW);
    const item = requestLogItem({ timestamp: NOW, message: kept }, NOW)!;

    // Assess
    expect(ignored).toEqual([]);
    expect(JSON.stringify(item)).not.toMatch(/Daisy|daisy|sk_test|script|Not A Code/);
    expect(item).toMatchObject({ request_id: 'c1', route: undefined, api_key_id: undefined, error_code: undefined, operation_id: 'getMember' });
  });

  it("reads a line behind a runtime's text prefix, takes the line's own time or else CloudWatch's, and writes a line delivered twice once", () => {
    // Prepare
    const prefixed = `2026-03-01T11:59:59.300Z\t2339cf46\tINFO\t${requestLine({ request_id: 'p1' })}`;
    const untimed = requestLine({ request_id: 'p2', timestamp: 'not a time' });

    // Act
    const items = requestLogItems(
      [prefixed, untimed, untimed].map((message) => ({ timestamp: NOW - 500, message })),
      NOW,
    );

    // Assess
    expect(items.map((item) => item.request_id)).toEqual(['p1', 'p2']);
    expect(items[1]!.gsi1sk).toBe(`${new Date(NOW - 500).toISOString()}#p2`);
  });

  it('refuses what is not a payload without writing, and has nothing to write for a control message', async () => {
    // Act
    const garbage = await handler({ awslogs: { data: Buffer.from('not gzip').toString('base64') } });
    const missing = await handler({} as never);
    const notJson = await handler({ awslogs: { data: gzipSync(Buffer.from('[1,2')).toString('base64') } });
    const control = await indexSubscriptionPayload(decodeSubscriptionPayload(subscriptionEvent(['CWL CONTROL MESSAGE: Checking health of destination Lambda.'], 'CONTROL_MESSAGE').awslogs.data));
    const nothing = await handler(subscriptionEvent(['a plain line', JSON.stringify({ message: 'request' })]));

    // Assess
    expect(garbage).toEqual({ indexed: 0, ignored: 0 });
    expect(missing).toEqual({ indexed: 0, ignored: 0 });
    expect(notJson).toEqual({ indexed: 0, ignored: 0 });
    expect(control).toEqual({ indexed: 0, ignored: 1 });
    expect(nothing).toEqual({ indexed: 0, ignored: 2 });
  });
});

describe('time filters', () => {
  const parse = (text: string) => timeComparisons('filter[cmp-created-time]', 'the time').safeParse(text);

  it("read the seed's comparisons into a half-open range in milliseconds", () => {
    const at = Date.parse('2025-01-01T00:00:00Z');
    expect(parse('>=2025-01-01T00:00:00Z').data).toEqual({ from: at });
    expect(parse('>2025-01-01T00:00:00Z').data).toEqual({ from: at + 1 });
    expect(parse('<2025-01-01T00:00:00Z').data).toEqual({ below: at });
    expect(parse('<=2025-01-01T00:00:00Z').data).toEqual({ below: at + 1 });
    expect(parse('>=2025-01-01,<2025-01-01T01:00:00.000+01:00').data).toEqual({ from: at, below: at });
  });

  it.each(['', 'yesterday', '=2025-01-01', '>2025-01-01T00:00:00', '>2025-13-01', '>1,<2', '>2025-01-01,>2025-01-02', '<2025-01-01,<2025-01-02', '>2025-01-01,<2025-01-02,<2025-01-03', `>${'2025-01-01T00:00:00.000000000Z'.padEnd(45, '0')}`])(
    'refuse %j',
    (text) => {
      expect(parse(text).success).toBe(false);
    },
  );

  it('make id bounds: every id made at a moment or later sorts at or after its floor, every earlier one before it', () => {
    const at = Date.parse('2026-03-01T12:00:00.123Z');
    const floor = idFloor('auditEvent', at);
    expect(newId('auditEvent', at) >= floor).toBe(true);
    expect(newId('auditEvent', at - 1) < floor).toBe(true);
    expect(newId('auditEvent', at + 1) >= idFloor('auditEvent', at + 1)).toBe(true);
    expect(idFloor('auditEvent', 0) < newId('auditEvent')).toBe(true);
    expect(idFloor('auditEvent', 8.64e15) > newId('auditEvent')).toBe(true);
  });
});
