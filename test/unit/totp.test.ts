import { inflateSync } from 'node:zlib';
import { Secret, TOTP, URI } from 'otpauth';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import {
  codeAt,
  newTotpSecret,
  provisioningUri,
  stepAt,
  TOTP_PARAMETERS,
  verifyConsecutive,
  verifyTotp,
} from '#shared/identity/mfa/totp';
import { QR_CODE_OPTIONS, qrCodePng } from '#shared/identity/mfa/qr-code';
import { canDelete, canMove, isExpired, totpAttributes, type TotpState } from '#shared/identity/mfa/totp-config';

/** RFC 6238 appendix B, the SHA-1 rows: the key is the ASCII of "12345678901234567890", 8 digits. */
const RFC_SECRET = Secret.fromLatin1('12345678901234567890');
const RFC_VECTORS: [seconds: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];
const secret = RFC_SECRET.base32;
const at = (step: number) => step * 30_000 + 12_345;

describe('TOTP codes (RFC 6238)', () => {
  it('match the RFC test vectors, 8 digits through otpauth and 6 digits through our path', () => {
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    for (const [seconds, code] of RFC_VECTORS) {
      const eight = TOTP.generate({ secret: RFC_SECRET, algorithm: 'SHA1', digits: 8, period: 30, timestamp: seconds * 1000 });
      expect(eight, `T=${seconds}`).toBe(code);
      const step = stepAt(seconds * 1000);
      expect(step).toBe(Math.floor(seconds / 30));
      expect(codeAt(secret, step), `T=${seconds}`).toBe(code.slice(-6));
      expect(verifyTotp(secret, code.slice(-6), 0, seconds * 1000), `T=${seconds}`).toEqual({ ok: true, step });
    }
  });

  it('use SHA-1, 6 digits and 30-second steps', () => {
    expect(TOTP_PARAMETERS).toMatchObject({ algorithm: 'SHA1', digits: 6, period: 30, drift: 1 });
    expect(stepAt(29_999)).toBe(0);
    expect(stepAt(30_000)).toBe(1);
  });

  it('make new secrets of 20 random bytes in base32', () => {
    const one = newTotpSecret();
    expect(one).toMatch(/^[A-Z2-7]{32}$/);
    expect(Secret.fromBase32(one).bytes).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(one);
  });
});

describe('verifyTotp', () => {
  const step = 56_000_000;

  it('accepts one step of drift either way and refuses two', () => {
    for (const offset of [-1, 0, 1]) {
      expect(verifyTotp(secret, codeAt(secret, step + offset), 0, at(step)), `offset ${offset}`).toEqual({ ok: true, step: step + offset });
    }
    for (const offset of [-2, 2, -3, 3]) {
      expect(verifyTotp(secret, codeAt(secret, step + offset), 0, at(step)), `offset ${offset}`).toEqual({ ok: false });
    }
  });

  it('refuses a code once used, and any code of a step at or before the last one used', () => {
    const code = codeAt(secret, step);
    const first = verifyTotp(secret, code, 0, at(step));
    expect(first).toEqual({ ok: true, step });
    // The same code again, in the same step or the next one (still inside its drift window).
    expect(verifyTotp(secret, code, step, at(step))).toEqual({ ok: false });
    expect(verifyTotp(secret, code, step, at(step + 1))).toEqual({ ok: false });
    // An older code still inside the window.
    expect(verifyTotp(secret, codeAt(secret, step - 1), step, at(step))).toEqual({ ok: false });
    // The next step's code is a new code.
    expect(verifyTotp(secret, codeAt(secret, step + 1), step, at(step + 1))).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses malformed codes without throwing', () => {
    const right = codeAt(secret, step);
    const malformed: unknown[] = [
      '',
      right.slice(0, 5),
      `${right}0`,
      ` ${right}`,
      `${right}\n`,
      `${right.slice(0, 3)} ${right.slice(3)}`,
      '12345a',
      '١٢٣٤٥٦',
      '１２３４５６',
      Number(right),
      null,
      undefined,
      [right],
      { code: right },
    ];
    for (const code of malformed) expect(verifyTotp(secret, code, 0, at(step)), JSON.stringify(code)).toEqual({ ok: false });
  });

  it('refuses a wrong code', () => {
    const wrong = String((Number(codeAt(secret, step)) + 1) % 1_000_000).padStart(6, '0');
    const window = [-1, 0, 1].map((offset) => codeAt(secret, step + offset));
    expect(window).not.toContain(wrong);
    expect(verifyTotp(secret, wrong, 0, at(step))).toEqual({ ok: false });
  });
});

describe('verifyConsecutive', () => {
  const step = 56_000_100;
  const codes = (...steps: number[]) => steps.map((s) => codeAt(secret, s));

  it('accepts two consecutive codes, the later one within a step of now, and answers the later step', () => {
    expect(verifyConsecutive(secret, codes(step - 1, step), 0, at(step))).toEqual({ ok: true, step });
    expect(verifyConsecutive(secret, codes(step, step + 1), 0, at(step))).toEqual({ ok: true, step: step + 1 });
    // Read, waited for the next, sent a little late: the earlier code is two steps old.
    expect(verifyConsecutive(secret, codes(step - 2, step - 1), 0, at(step))).toEqual({ ok: true, step: step - 1 });
  });

  it('refuses codes that are not consecutive, out of order, repeated or too old', () => {
    expect(verifyConsecutive(secret, codes(step - 1, step + 1), 0, at(step))).toEqual({ ok: false });
    expect(verifyConsecutive(secret, codes(step, step - 1), 0, at(step))).toEqual({ ok: false });
    expect(verifyConsecutive(secret, codes(step, step), 0, at(step))).toEqual({ ok: false });
    expect(verifyConsecutive(secret, codes(step - 3, step - 2), 0, at(step))).toEqual({ ok: false });
    expect(verifyConsecutive(secret, codes(step + 1, step + 2), 0, at(step))).toEqual({ ok: false });
  });

  it('refuses codes of steps already used', () => {
    expect(verifyConsecutive(secret, codes(step - 1, step), step - 1, at(step))).toEqual({ ok: false });
    expect(verifyConsecutive(secret, codes(step - 1, step), step - 2, at(step))).toEqual({ ok: true, step });
  });

  it('refuses anything but two well-formed codes without throwing', () => {
    const [earlier, later] = codes(step - 1, step) as [string, string];
    for (const input of [[later], [earlier, later, later], [], [earlier, Number(later)], [`${earlier} `, later], earlier, null, undefined, {}]) {
      expect(verifyConsecutive(secret, input, 0, at(step)), JSON.stringify(input)).toEqual({ ok: false });
    }
  });
});

describe('provisioning', () => {
  it('writes an otpauth URI with the issuer Osma and the parameters', () => {
    const shared = newTotpSecret();
    const uri = provisioningUri(shared, 'alice+mfa@example.com');
    const url = new URL(uri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Osma:alice+mfa@example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({ issuer: 'Osma', secret: shared, algorithm: 'SHA1', digits: '6', period: '30' });
    const parsed = URI.parse(uri) as TOTP;
    expect(parsed.generate({ timestamp: at(1) })).toBe(codeAt(shared, 1));
  });

  it('draws the URI as a PNG QR code whose pixels are the symbol of that URI', async () => {
    const uri = provisioningUri(newTotpSecret(), 'bob@example.com');
    const qr = await qrCodePng(uri);
    expect(qr.mimetype).toBe('image/png');
    const png = Buffer.from(qr['contents-base64'], 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const image = decodePng(png);
    expect({ width: image.width, height: image.height }).toEqual({ width: qr.width, height: qr.height });

    const symbol = QRCode.create(uri, { errorCorrectionLevel: QR_CODE_OPTIONS.errorCorrectionLevel });
    const { size } = symbol.modules;
    expect(size).toBe(17 + 4 * symbol.version);
    expect(qr.width).toBe((size + 2 * QR_CODE_OPTIONS.margin) * QR_CODE_OPTIONS.scale);
    const differing: string[] = [];
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        const dark = image.isDark((QR_CODE_OPTIONS.margin + col + 0.5) * QR_CODE_OPTIONS.scale, (QR_CODE_OPTIONS.margin + row + 0.5) * QR_CODE_OPTIONS.scale);
        if (dark !== Boolean(symbol.modules.get(row, col))) differing.push(`${row},${col}`);
      }
    }
    expect(differing).toEqual([]);
    // The symbol is as large as the URI's length needs, and no larger.
    expect(() => QRCode.create(uri, { errorCorrectionLevel: 'M', version: symbol.version - 1 })).toThrow(/version/i);
    const longer = await qrCodePng(provisioningUri(newTotpSecret(), `${'a'.repeat(120)}@example.com`));
    expect(longer.width).toBeGreaterThan(qr.width);
  });
});

describe('TOTP configuration states', () => {
  it('go pending -> enabled <-> disabled, and only a configuration that is not enabled is deleted', () => {
    const states: TotpState[] = ['pending', 'enabled', 'disabled'];
    const moves = states.flatMap((from) => states.filter((to) => canMove(from, to)).map((to) => `${from}->${to}`));
    expect(moves).toEqual(['pending->enabled', 'enabled->disabled', 'disabled->enabled']);
    expect(states.filter(canDelete)).toEqual(['pending', 'disabled']);
  });

  it('let a pending setup expire, and only a pending one', () => {
    expect(isExpired({ state: 'pending', expires_at: 100 }, 100_000)).toBe(true);
    expect(isExpired({ state: 'pending', expires_at: 101 }, 100_000)).toBe(false);
    expect(isExpired({ state: 'disabled', expires_at: 100 }, 200_000)).toBe(false);
  });

  it('show the seed attributes and never the secret', () => {
    const config = {
      id: 'totp_1',
      login_id: 'idn_1',
      state: 'enabled' as const,
      created_at: 'c',
      enabled_at: 'e',
      last_used: 'l',
      last_used_step: 5,
      secret: 'v1.x.y.z.w',
    };
    expect(totpAttributes(config, 'usr_1')).toEqual({
      'created-at': 'c',
      enabled: true,
      'enabled-at': 'e',
      'last-used': 'l',
      state: 'enabled',
      'user-id': 'usr_1',
    });
  });
});

/** A small PNG reader (8-bit grey, RGB or RGBA, not interlaced): enough to look at the QR code's pixels. */
function decodePng(png: Buffer): { width: number; height: number; isDark: (x: number, y: number) => boolean } {
  let offset = 8;
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  let channels = 0;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [bitDepth, colorType, , , interlace] = data.subarray(8);
      expect({ bitDepth, interlace }).toEqual({ bitDepth: 8, interlace: 0 });
      channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType!] ?? 0;
      expect(channels).toBeGreaterThan(0);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= channels ? pixels[y * stride + i - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const c = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels]! : 0;
      const paeth = () => {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      };
      const predictor = [0, a, b, (a + b) >> 1, paeth()][filter]!;
      pixels[y * stride + i] = (x + predictor) & 0xff;
    }
  }
  return { width, height, isDark: (x, y) => pixels[Math.floor(y) * stride + Math.floor(x) * channels]! < 128 };
}
