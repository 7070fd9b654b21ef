import { startGateway } from '#local/gateway';

/**
 * The local gateway in a process of its own, for the HTTP load test: the load generator and
 * the server must not share one event loop. It reaches the bench's DynamoDB Local through the
 * environment it inherits, and tells its URL over IPC.
 */
const gateway = await startGateway({ port: 0, host: '127.0.0.1' });
process.send?.({ url: gateway.url.replace('localhost', '127.0.0.1') });
process.on('disconnect', () => void gateway.stop().then(() => process.exit(0)));
