/**
 * Minimal PNG writer and reader with node:zlib, enough for the app icons and the report card's chart image: it writes 8-bit RGBA and
 * reads non-interlaced 8-bit greyscale, RGB, palette, grey+alpha and RGBA images (what icon tools
 * produce). Anything else is reported as unsupported rather than guessed at.
 */
import { deflateSync, inflateSync } from 'node:zlib';

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, row after row, R G B A. */
  rgba: Uint8Array;
}

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colorType: number;
  interlaced: boolean;
  /** True when the image can carry transparency (an alpha channel or a tRNS chunk). */
  hasAlpha: boolean;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes an RGBA image as an 8-bit RGBA PNG (filter 0 on every row). */
export function encodePng(image: RgbaImage): Buffer {
  const { width, height, rgba } = image;
  if (rgba.length !== width * height * 4) {
    throw new Error(`encodePng: expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

interface Chunks {
  info: PngInfo;
  idat: Buffer;
  palette?: Buffer;
  trns?: Buffer;
}

function readChunks(png: Uint8Array): Chunks {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file (bad signature)');
  let offset = 8;
  let info: PngInfo | undefined;
  const idat: Buffer[] = [];
  let palette: Buffer | undefined;
  let trns: Buffer | undefined;
  while (offset + 8 <= buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (data.length !== length || offset + 12 + length > buf.length) throw new Error(`truncated PNG chunk ${type}`);
    const crc = buf.readUInt32BE(offset + 8 + length);
    if (crc !== crc32(buf.subarray(offset + 4, offset + 8 + length))) throw new Error(`bad CRC in PNG chunk ${type}`);
    if (type === 'IHDR') {
      const colorType = data[9] ?? -1;
      info = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        bitDepth: data[8] ?? 0,
        colorType,
        interlaced: data[12] === 1,
        hasAlpha: colorType === 4 || colorType === 6,
      };
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  if (!info) throw new Error('PNG has no IHDR chunk');
  if (trns) info.hasAlpha = true;
  if (idat.length === 0) throw new Error('PNG has no image data (IDAT)');
  return { info, idat: Buffer.concat(idat), palette, trns };
}

/** Reads the PNG header (size, colour type) without decoding pixels. */
export function readPngInfo(png: Uint8Array): PngInfo {
  return readChunks(png).info;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Decodes a PNG into RGBA pixels. Throws on formats this reader does not support. */
export function decodePng(png: Uint8Array): RgbaImage & { info: PngInfo } {
  const { info, idat, palette, trns } = readChunks(png);
  const { width, height, bitDepth, colorType, interlaced } = info;
  const channels = CHANNELS[colorType];
  if (channels === undefined) throw new Error(`unknown PNG colour type ${colorType}`);
  if (bitDepth !== 8 || interlaced) {
    throw new Error(`unsupported PNG format (bit depth ${bitDepth}${interlaced ? ', interlaced' : ''}): save it as 8-bit RGBA`);
  }
  if (colorType === 3 && !palette) throw new Error('palette PNG without a PLTE chunk');
  const stride = width * channels;
  const raw = inflateSync(idat);
  if (raw.length < (stride + 1) * height) throw new Error('PNG image data is shorter than its size says');
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const rawByte = raw[src + x] ?? 0;
      const left = x >= channels ? (pixels[dst + x - channels] ?? 0) : 0;
      const up = y > 0 ? (pixels[dst - stride + x] ?? 0) : 0;
      const upLeft = y > 0 && x >= channels ? (pixels[dst - stride + x - channels] ?? 0) : 0;
      let value: number;
      switch (filter) {
        case 0:
          value = rawByte;
          break;
        case 1:
          value = rawByte + left;
          break;
        case 2:
          value = rawByte + up;
          break;
        case 3:
          value = rawByte + ((left + up) >> 1);
          break;
        case 4:
          value = rawByte + paeth(left, up, upLeft);
          break;
        default:
          throw new Error(`bad PNG row filter ${filter} in row ${y}`);
      }
      pixels[dst + x] = value & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const p = i * channels;
    let r: number, g: number, b: number, a: number;
    switch (colorType) {
      case 0: {
        r = g = b = pixels[p] ?? 0;
        a = trns && trns.length >= 2 && trns.readUInt16BE(0) === r ? 0 : 255;
        break;
      }
      case 2: {
        r = pixels[p] ?? 0;
        g = pixels[p + 1] ?? 0;
        b = pixels[p + 2] ?? 0;
        a = trns && trns.length >= 6 && trns.readUInt16BE(0) === r && trns.readUInt16BE(2) === g && trns.readUInt16BE(4) === b ? 0 : 255;
        break;
      }
      case 3: {
        const index = pixels[p] ?? 0;
        r = palette?.[index * 3] ?? 0;
        g = palette?.[index * 3 + 1] ?? 0;
        b = palette?.[index * 3 + 2] ?? 0;
        a = trns?.[index] ?? 255;
        break;
      }
      case 4: {
        r = g = b = pixels[p] ?? 0;
        a = pixels[p + 1] ?? 0;
        break;
      }
      default: {
        r = pixels[p] ?? 0;
        g = pixels[p + 1] ?? 0;
        b = pixels[p + 2] ?? 0;
        a = pixels[p + 3] ?? 0;
      }
    }
    rgba.set([r, g, b, a], i * 4);
  }
  return { width, height, rgba, info };
}
