import { describe, expect, it, afterEach } from 'vitest';
import {
  checkedLookup,
  checkUrl,
  embeddedIpv4,
  forbiddenAddress,
  urlProblem,
  type Resolver,
} from '#shared/api/webhooks/url-policy';
import { markLocalStack } from '#shared/platform/config';
import { urlPolicy } from '#shared/api/webhooks/settings';

const deployed = { allowLoopback: false };
const local = { allowLoopback: true };

const resolvesTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('webhook URLs in a deployed stage', () => {
  it('take https to a public host', () => {
    expect(urlProblem('https://example.com/hooks?x=1', deployed)).toBeUndefined();
    expect(urlProblem('https://93.184.216.34:8443/hooks', deployed)).toBeUndefined();
    expect(urlProblem('https://[2606:2800:220:1:248:1893:25c8:1946]/', deployed)).toBeUndefined();
  });

  it('refuse http, other schemes, credentials, fragments and what is no URL', () => {
    expect(urlProblem('http://example.com/hooks', deployed)).toBe('url must use https');
    expect(urlProblem('ftp://example.com/', deployed)).toBe('url must use https');
    expect(urlProblem('https://user:pw@example.com/', deployed)).toBe('url must not contain credentials');
    expect(urlProblem('https://example.com/#part', deployed)).toBe('url must not contain a fragment');
    expect(urlProblem('example.com/hooks', deployed)).toBe('url must be a valid absolute URL');
    expect(urlProblem(`https://example.com/${'a'.repeat(2048)}`, deployed)).toMatch(/at most 2048/);
  });

  it('refuse loopback, private, CGNAT, link-local, metadata, multicast and reserved addresses, however written', () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://127.8.9.10/',
      'https://localhost/',
      'https://api.localhost/',
      'https://0.0.0.0/',
      'https://10.1.2.3/',
      'https://172.16.0.1/',
      'https://172.31.255.255/',
      'https://192.168.1.1/',
      'https://100.64.0.1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://224.0.0.1/',
      'https://255.255.255.255/',
      'https://198.18.0.1/',
      'https://[::1]/',
      'https://[::]/',
      'https://[fd00:ec2::254]/',
      'https://[fc00::1]/',
      'https://[fe80::1]/',
      'https://[ff02::1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:a9fe:a9fe]/',
      'https://[64:ff9b::a9fe:a9fe]/',
      'https://[64:ff9b:1::a9fe:a9fe]/',
      'https://[::ffff:0:a9fe:a9fe]/',
      'https://[2001:0:4136:e378:8000:63bf:5601:5601]/',
      'https://[2002:0a00:0001::]/',
      // The URL parser reads these as 127.0.0.1 and 169.254.169.254.
      'https://2130706433/',
      'https://0x7f000001/',
      'https://0251.0376.0251.0376/',
    ]) {
      expect(urlProblem(url, deployed), url).toMatch(/^url is not allowed/);
    }
  });

  it('check every address the host resolves to', async () => {
    expect(await checkUrl('https://hooks.example.com/', deployed, resolvesTo('93.184.216.34'))).toBeUndefined();
    expect(await checkUrl('https://hooks.example.com/', deployed, resolvesTo('93.184.216.34', '10.0.0.7'))).toMatch(
      /private, link-local or reserved address \(10\.0\.0\.7\)/,
    );
    expect(await checkUrl('https://rebind.example.com/', deployed, resolvesTo('169.254.169.254'))).toMatch(/not allowed/);
    expect(await checkUrl('https://six.example.com/', deployed, resolvesTo('fd00:ec2::254'))).toMatch(/not allowed/);
    expect(await checkUrl('https://loop.example.com/', deployed, resolvesTo('127.0.0.1'))).toMatch(/loopback/);
    const failing: Resolver = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    expect(await checkUrl('https://nowhere.invalid/', deployed, failing)).toMatch(/does not resolve/);
    expect(await checkUrl('https://empty.example.com/', deployed, resolvesTo())).toMatch(/does not resolve/);
  });
});

describe('webhook URLs in the local stage (loopback allowed)', () => {
  it('take http and https to loopback, so a developer can receive events', async () => {
    for (const url of ['http://127.0.0.1:4567/hooks', 'http://localhost:8080/', 'http://[::1]:3000/', 'https://127.0.0.1/']) {
      expect(await checkUrl(url, local, resolvesTo('127.0.0.1')), url).toBeUndefined();
    }
  });

  it('still refuse http elsewhere and every other forbidden address', async () => {
    expect(urlProblem('http://example.com/', local)).toBe('url must use https (or http to a loopback address)');
    expect(urlProblem('https://169.254.169.254/', local)).toMatch(/not allowed/);
    expect(urlProblem('https://192.168.0.10/', local)).toMatch(/not allowed/);
    expect(await checkUrl('https://hooks.example.com/', local, resolvesTo('10.0.0.1'))).toMatch(/not allowed/);
  });
});

describe('addresses', () => {
  it('find the IPv4 address inside IPv4-mapped and well-known NAT64 addresses, where it sits at a fixed place', () => {
    expect(embeddedIpv4('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(embeddedIpv4('::ffff:102:304')).toBe('1.2.3.4');
    expect(embeddedIpv4('64:ff9b::102:304')).toBe('1.2.3.4');
    expect(embeddedIpv4('64:ff9b::1.2.3.4')).toBe('1.2.3.4');
    expect(embeddedIpv4('2606:2800:220:1::1')).toBeUndefined();
    expect(embeddedIpv4('::1')).toBeUndefined();
  });

  it('allow public addresses, and mapped or NAT64 forms of a public IPv4 address', () => {
    for (const address of ['8.8.8.8', '2001:4860:4860::8888', '2606:4700::6810:84e5', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      expect(forbiddenAddress(address, deployed), address).toBeUndefined();
    }
  });

  it.each([
    // IPv6 forms that carry 169.254.169.254 (the metadata service) or 10.0.0.1
    ['IPv4-mapped', '::ffff:a9fe:a9fe'],
    ['IPv4-mapped, dotted', '::ffff:169.254.169.254'],
    ['IPv4-translated (SIIT)', '::ffff:0:a9fe:a9fe'],
    ['IPv4-compatible', '::a9fe:a9fe'],
    ['IPv4-compatible, public', '::808:808'],
    ['well-known NAT64', '64:ff9b::a9fe:a9fe'],
    ['well-known NAT64, private', '64:ff9b::10.0.0.1'],
    ['local-use NAT64 (/48, the IPv4 after the prefix)', '64:ff9b:1:a9fe:a9fe::'],
    ['local-use NAT64 (/96)', '64:ff9b:1::a9fe:a9fe'],
    ['local-use NAT64, public', '64:ff9b:1::808:808'],
    ['Teredo', '2001:0:4136:e378:8000:63bf:5601:5601'],
    ['Teredo, any', '2001::1'],
    ['6to4', '2002:a9fe:a9fe::1'],
    ['6to4, public', '2002:808:808::1'],
    // the rest of IANA's IPv6 special-purpose registry, and what lies outside global unicast
    ['unspecified', '::'],
    ['loopback', '::1'],
    ['discard-only', '100::1'],
    ['dummy prefix', '100:0:0:1::1'],
    ['IETF protocol assignments', '2001:1::1'],
    ['benchmarking', '2001:2::1'],
    ['ORCHIDv2', '2001:20::1'],
    ['documentation', '2001:db8::1'],
    ['documentation (3fff::/20)', '3fff::1'],
    ['segment routing', '5f00::1'],
    ['unique local', 'fd00:ec2::254'],
    ['link-local', 'fe80::1'],
    ['link-local with a zone', 'fe80::1%eth0'],
    ['site-local', 'fec0::1'],
    ['multicast', 'ff02::1'],
    ['unassigned (outside 2000::/3)', '4000::1'],
  ])('refuse %s (%s)', (_, address) => {
    expect(forbiddenAddress(address, deployed)).toMatch(/private, link-local or reserved|loopback/);
    expect(urlProblem(`https://[${address.split('%')[0]}]/`, deployed)).toMatch(/^url is not allowed/);
  });

  it.each([
    ['this network', '0.1.2.3'],
    ['RFC 1918', '10.0.0.1'],
    ['shared address space', '100.64.0.1'],
    ['loopback', '127.0.0.1'],
    ['link-local', '169.254.169.254'],
    ['RFC 1918 (172.16/12)', '172.16.0.1'],
    ['IETF protocol assignments', '192.0.0.170'],
    ['TEST-NET-1', '192.0.2.1'],
    ['6to4 relay anycast', '192.88.99.1'],
    ['RFC 1918 (192.168/16)', '192.168.0.1'],
    ['benchmarking', '198.19.0.1'],
    ['TEST-NET-2', '198.51.100.1'],
    ['TEST-NET-3', '203.0.113.1'],
    ['multicast', '239.0.0.1'],
    ['reserved', '240.0.0.1'],
    ['limited broadcast', '255.255.255.255'],
  ])('refuse IANA IPv4 special-purpose %s (%s), also when resolved', async (_, address) => {
    expect(forbiddenAddress(address, deployed)).toBeDefined();
    expect(await checkUrl('https://hooks.example.com/', deployed, resolvesTo(address))).toMatch(/^url is not allowed/);
  });
});

describe('the lookup a send connects with', () => {
  const lookup = (policy: { allowLoopback: boolean }, all: boolean) =>
    new Promise<{ error: Error | null; address: unknown }>((resolve) =>
      checkedLookup(policy)('localhost', { all } as never, ((error: Error | null, address: unknown) =>
        resolve({ error, address })) as never),
    );

  it('refuses a host that resolves to a forbidden address, and hands over the checked addresses otherwise', async () => {
    // Act
    const refused = await lookup(deployed, true);
    const allowed = await lookup(local, true);
    const single = await lookup(local, false);

    // Assess
    expect(refused.error?.message).toMatch(/refused to connect: it resolves to a loopback address/);
    expect(allowed.error).toBeNull();
    expect(allowed.address).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.any(String) })]));
    expect(typeof single.address).toBe('string');
  });
});

describe('the local-only settings', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('are off whatever the environment says, until the local stack marks its own process', () => {
    // Prepare: what a deployment could set
    Object.assign(process.env, { OSMA_STAGE: 'local', OSMA_WEBHOOK_ALLOW_LOOPBACK: 'true' });

    // Act
    const deployedPolicy = urlPolicy();
    markLocalStack();

    // Assess
    expect(deployedPolicy).toEqual({ allowLoopback: false });
    expect(urlPolicy()).toEqual({ allowLoopback: true });
  });
});
