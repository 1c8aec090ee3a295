/**
 * Width and height read from an image's header (PNG, GIF, JPEG, WebP), for the `aspectRatio` Bluesky
 * uses to lay images out before they load. Unknown formats give undefined: the docs ask to leave the
 * ratio out rather than guess it.
 */

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

function positive(width: number, height: number): ImageSize | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function ascii(data: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...data.subarray(start, start + length));
}

function jpegSize(data: Uint8Array, view: DataView): ImageSize | undefined {
  let offset = 2;
  while (offset + 9 < data.length) {
    if (data[offset] !== 0xff) return undefined;
    const marker = data[offset + 1] ?? 0;
    const length = view.getUint16(offset + 2);
    // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return positive(view.getUint16(offset + 7), view.getUint16(offset + 5));
    }
    offset += 2 + length;
  }
  return undefined;
}

function webpSize(data: Uint8Array, view: DataView): ImageSize | undefined {
  const chunk = ascii(data, 12, 4);
  if (chunk === 'VP8X' && data.length >= 30) {
    const width = 1 + (view.getUint32(24, true) & 0xffffff);
    const height = 1 + (view.getUint32(26, true) >> 8);
    return positive(width, height);
  }
  if (chunk === 'VP8 ' && data.length >= 30) {
    return positive(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  }
  if (chunk === 'VP8L' && data.length >= 25) {
    const bits = view.getUint32(21, true);
    return positive(1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff));
  }
  return undefined;
}

export function imageSize(data: Uint8Array): ImageSize | undefined {
  if (data.length < 24) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (ascii(data, 1, 3) === 'PNG' && ascii(data, 12, 4) === 'IHDR') {
    return positive(view.getUint32(16), view.getUint32(20));
  }
  if (ascii(data, 0, 4) === 'GIF8') return positive(view.getUint16(6, true), view.getUint16(8, true));
  if (data[0] === 0xff && data[1] === 0xd8) return jpegSize(data, view);
  if (ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 4) === 'WEBP') return webpSize(data, view);
  return undefined;
}
