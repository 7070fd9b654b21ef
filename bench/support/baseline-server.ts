import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP baseline: a bare node:http server on the same machine, in a process of its own like
 * the gateway, answering every request with the same fixed JSON (a member as the API prints
 * it). What it costs is Node's HTTP and the load generator: the floor under any endpoint.
 */
const body = Buffer.from(
  JSON.stringify({
    id: 'mem_28bnB4MCh2qygiyaHQ6jNGUbl10',
    created_at: '2022-05-02T12:20:13.080000+00:00',
    updated_at: '2022-05-02T12:20:13.080000+00:00',
    name: 'Daisy Demo',
    email: 'daisy@osma.com',
    status: 'active',
    status_transitions: [],
    date_of_birth: '1993-09-16',
    biological_sex: 'female',
    gender_identity: null,
    live_mode: false,
    metadata: {},
  }),
);

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
