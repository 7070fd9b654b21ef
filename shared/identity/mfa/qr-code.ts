import QRCode from 'qrcode';

/**
 * The setup's QR code, apart from the TOTP algorithm so that only the setup route bundles the
 * QR and PNG libraries (a sign-in checks codes and needs neither).
 */
/** The seed's `provisioning-qrcode`: the URI as a QR code in a PNG. */
export interface QrCodePng {
  'contents-base64': string;
  height: number;
  width: number;
  mimetype: 'image/png';
}

export const QR_CODE_OPTIONS = { errorCorrectionLevel: 'M', margin: 4, scale: 4 } as const;

export async function qrCodePng(uri: string): Promise<QrCodePng> {
  const png = await QRCode.toBuffer(uri, { type: 'png', ...QR_CODE_OPTIONS });
  // A PNG starts with its 8-byte signature and the IHDR chunk: length, type, width, height.
  return { 'contents-base64': png.toString('base64'), height: png.readUInt32BE(20), width: png.readUInt32BE(16), mimetype: 'image/png' };
}
