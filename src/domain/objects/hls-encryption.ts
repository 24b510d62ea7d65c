// HLS encryption (an encryption task, a transcoding's `encryption`): how the request's key becomes 16 bytes, the
// EXT-X-KEY line the playlist gains, which input playlists can be encrypted, and each segment encrypted whole
// (RFC 8216 4.3.2.4: AES-128 in CBC mode with PKCS7 padding, the IV given or else the segment's sequence number).
import { createCipheriv, type Cipher } from 'node:crypto';
import type { components } from '../../contract/mpc-api.generated.js';
import { invalidParameter } from '../vendor-errors.js';

type HlsEncrypt = components['schemas']['HlsEncrypt'];

export interface ContentKey {
  key: Buffer;
  /** The IV every segment uses; none: each segment's media sequence number (RFC 8216 5.2). */
  iv?: Buffer;
  cipher: 'aes-128-cbc' | 'sm4-cbc';
  /** The playlist's METHOD. */
  method: 'AES-128' | 'SM4-CBC';
  url: string;
}

/**
 * 16 bytes from a key or IV string, in the first form it fits: base64 of 16 bytes (as the vendor documents the
 * key), 16 characters taken as their bytes (the vendor's FAQ example, "aigPLJhffXBNnERs"), or 32 hex digits
 * (as an HLS IV is written, with or without 0x).
 */
export function sixteenBytes(value: string): Buffer | undefined {
  if (/^[A-Za-z0-9+/]{22}(==)?$/.test(value)) return Buffer.from(value, 'base64');
  const raw = Buffer.from(value, 'utf8');
  if (raw.length === 16) return raw;
  const hex = /^(?:0x)?([0-9a-f]{32})$/i.exec(value);
  return hex ? Buffer.from(hex[1]!, 'hex') : undefined;
}

const FORMS = 'base64 of 16 bytes, 16 characters, or 32 hex digits';

/** The key of a request's `hls_encrypt` (at `field`); throws MPC.10202 naming what does not make 16 bytes. */
export function contentKey(hls: HlsEncrypt, field: string): ContentKey {
  const key = sixteenBytes(hls.key);
  if (!key) throw invalidParameter(`${field}.key must be 16 bytes: ${FORMS}`);
  const iv = hls.iv === undefined || hls.iv === '' ? undefined : sixteenBytes(hls.iv);
  if (hls.iv && !iv) throw invalidParameter(`${field}.iv must be 16 bytes: ${FORMS}`);
  // Deviation: AES-128-CTR (the vendor's default) is written as HLS AES-128, which is CBC: RFC 8216 defines no
  // CTR method, and a player or ffmpeg could not read a CTR segment. SM4CBC is SM4 in CBC mode, its METHOD
  // named SM4-CBC by the mock (RFC 8216 has none for it).
  const sm4 = hls.algorithm === 'SM4CBC';
  return { key, ...(iv ? { iv } : {}), cipher: sm4 ? 'sm4-cbc' : 'aes-128-cbc', method: sm4 ? 'SM4-CBC' : 'AES-128', url: hls.url };
}

/** The request's key where a create body may carry one (`encryption.hls_encrypt`), checked; else undefined. */
export function requestKey(encryption: unknown, field = 'encryption.hls_encrypt'): ContentKey | undefined {
  const hls = (encryption as { hls_encrypt?: HlsEncrypt } | undefined)?.hls_encrypt;
  if (!hls) return undefined;
  if (typeof hls.key !== 'string' || typeof hls.url !== 'string' || !hls.url) throw invalidParameter(`${field} needs a key and a url`);
  return contentKey(hls, field);
}

/** The playlist line that names the key: players fetch it from `url`. */
export function keyTag(key: ContentKey): string {
  return `#EXT-X-KEY:METHOD=${key.method},URI="${key.url.replace(/"/g, '%22')}"${key.iv ? `,IV=0x${key.iv.toString('hex')}` : ''}`;
}

export interface MediaPlaylist {
  /** The segments' names, in order: plain file names beside the playlist. */
  segments: string[];
  /** EXT-X-MEDIA-SEQUENCE: the first segment's number. */
  sequence: number;
  /** The EXTINF durations added up, in seconds. */
  duration: number;
}

/** A segment a playlist may name: a file beside it (no scheme, directory, query or fragment). */
const SEGMENT_NAME = /^[A-Za-z0-9_][A-Za-z0-9._~-]{0,254}$/;
const MAX_SEGMENTS = 100_000;

/**
 * An input playlist that can be encrypted: a media playlist (not a master) naming segments beside it, not
 * encrypted already, with no other file named in a tag (EXT-X-MAP, EXT-X-MEDIA, a session key, byte ranges).
 * Answers why not otherwise: the task fails, and the log says why.
 */
export function readMediaPlaylist(text: string): MediaPlaylist | { refused: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '#EXTM3U') return { refused: 'it is not an HLS playlist (no #EXTM3U first)' };
  const segments: string[] = [];
  const named = new Set<string>();
  let sequence = 0;
  let duration = 0;
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (line.startsWith('#EXT-X-STREAM-INF') || line.startsWith('#EXT-X-I-FRAME-STREAM-INF')) return { refused: 'it is a master playlist: it names other playlists' };
      if (line.startsWith('#EXT-X-KEY') || line.startsWith('#EXT-X-SESSION-KEY')) {
        if (/METHOD=NONE(,|$)/.test(line)) continue;
        return { refused: 'it is encrypted already (EXT-X-KEY)' };
      }
      if (line.startsWith('#EXT-X-BYTERANGE')) return { refused: 'its segments are byte ranges of a file (EXT-X-BYTERANGE)' };
      if (/URI=/.test(line)) return { refused: `a tag names a file of its own (${line.split(':')[0]})` };
      const seq = /^#EXT-X-MEDIA-SEQUENCE:(\d+)$/.exec(line);
      if (seq) sequence = Number(seq[1]);
      const inf = /^#EXTINF:([0-9.]+)/.exec(line);
      if (inf) duration += Number(inf[1]);
      continue;
    }
    if (!SEGMENT_NAME.test(line)) return { refused: `segment "${line.slice(0, 80)}" is not a file beside the playlist` };
    // Each segment is encrypted with its own sequence number: one file cannot be two segments.
    if (named.has(line)) return { refused: `it names segment "${line}" twice` };
    named.add(line);
    segments.push(line);
    if (segments.length > MAX_SEGMENTS) return { refused: `it names more than ${MAX_SEGMENTS} segments` };
  }
  if (segments.length === 0) return { refused: 'it names no segment' };
  return { segments, sequence, duration };
}

/** The playlist with its key: the key line before the first segment, any METHOD=NONE line gone, version 3 at least (an IV needs 2). */
export function encryptedPlaylist(text: string, key: ContentKey): string {
  const out: string[] = [];
  let keyed = false;
  let versioned = false;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-KEY')) continue;
    const version = /^#EXT-X-VERSION:(\d+)$/.exec(line);
    if (version) {
      out.push(`#EXT-X-VERSION:${Math.max(3, Number(version[1]))}`);
      versioned = true;
      continue;
    }
    if (!keyed && (line.startsWith('#EXTINF') || (line !== '' && !line.startsWith('#')))) {
      out.push(keyTag(key));
      keyed = true;
    }
    out.push(raw);
  }
  if (!versioned) out.splice(1, 0, '#EXT-X-VERSION:3');
  return out.join('\n');
}

/** The cipher of one segment, encrypted whole; `sequence` is its media sequence number, the IV when the key has none. */
export function segmentCipher(key: ContentKey, sequence: number): Cipher {
  const iv = key.iv ?? Buffer.alloc(16);
  if (!key.iv) iv.writeBigUInt64BE(BigInt(sequence), 8);
  return createCipheriv(key.cipher, key.key, iv);
}
