import { describe, expect, it } from 'vitest';
import { checkedLookup, checkUrl, embeddedIpv4, forbiddenAddress, urlProblem, type Resolver } from '#shared/api/webhooks/url-policy';

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
  it('find the IPv4 address inside mapped, NAT64 and 6to4 IPv6 addresses', () => {
    expect(embeddedIpv4('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(embeddedIpv4('::ffff:102:304')).toBe('1.2.3.4');
    expect(embeddedIpv4('64:ff9b::102:304')).toBe('1.2.3.4');
    expect(embeddedIpv4('2002:0102:0304::1')).toBe('1.2.3.4');
    expect(embeddedIpv4('2606:2800:220:1::1')).toBeUndefined();
    expect(embeddedIpv4('::1')).toBeUndefined();
  });

  it('allow public addresses', () => {
    expect(forbiddenAddress('8.8.8.8', deployed)).toBeUndefined();
    expect(forbiddenAddress('2001:4860:4860::8888', deployed)).toBeUndefined();
    expect(forbiddenAddress('::ffff:8.8.8.8', deployed)).toBeUndefined();
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
