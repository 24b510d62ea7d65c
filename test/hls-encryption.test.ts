// HLS encryption's rules (src/domain/objects/hls-encryption.ts): the key's forms, the playlists that can be
// encrypted, the key line, and segments a player decrypts (RFC 8216: AES-128-CBC, PKCS7, the IV given or the
// segment's sequence number).
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { components } from '../src/contract/mpc-api.generated.js';
import { contentKey, encryptedPlaylist, keyTag, readMediaPlaylist, segmentCipher, sixteenBytes } from '../src/domain/objects/hls-encryption.js';

// The generated type has the schema's default (algorithm) as required; a request may leave it out.
type HlsEncrypt = components['schemas']['HlsEncrypt'];

const encrypt = (bytes: Buffer, key: ReturnType<typeof contentKey>, sequence: number) => {
  const cipher = segmentCipher(key, sequence);
  return Buffer.concat([cipher.update(bytes), cipher.final()]);
};

describe('the key and IV', () => {
  it('take base64 of 16 bytes, 16 characters, or 32 hex digits, in that order', () => {
    expect(sixteenBytes(Buffer.from('0123456789abcdef').toString('base64'))).toEqual(Buffer.from('0123456789abcdef'));
    // The vendor's FAQ example is 16 characters; as base64 it would be 12 bytes, so it is its own bytes.
    expect(sixteenBytes('aigPLJhffXBNnERs')).toEqual(Buffer.from('aigPLJhffXBNnERs'));
    expect(sixteenBytes('0x000102030405060708090a0b0c0d0e0f')).toEqual(Buffer.from([...Array(16).keys()]));
    expect(sixteenBytes('000102030405060708090a0b0c0d0e0f')).toEqual(Buffer.from([...Array(16).keys()]));
    for (const bad of ['k', 'a-key', '0123456789abcdef0', Buffer.alloc(24, 255).toString('base64')]) expect(sixteenBytes(bad)).toBeUndefined();
  });

  it('choose the cipher and the playlist’s method: AES-128 (CBC) for both AES algorithms, SM4 in CBC mode for SM4CBC', () => {
    const base = { key: 'aigPLJhffXBNnERs', url: 'https://keys.example.com/k?id=1&v="2"' } as HlsEncrypt;
    expect(contentKey(base, 'f')).toMatchObject({ cipher: 'aes-128-cbc', method: 'AES-128' });
    expect(contentKey({ ...base, algorithm: 'AES-128-CBC' }, 'f')).toMatchObject({ cipher: 'aes-128-cbc', method: 'AES-128' });
    expect(contentKey({ ...base, algorithm: 'SM4CBC' }, 'f')).toMatchObject({ cipher: 'sm4-cbc', method: 'SM4-CBC' });
    expect(keyTag(contentKey(base, 'f'))).toBe('#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/k?id=1&v=%222%22"');
    expect(keyTag(contentKey({ ...base, iv: 'yCmE666N3YAq30SN' }, 'f'))).toBe(`#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/k?id=1&v=%222%22",IV=0x${Buffer.from('yCmE666N3YAq30SN').toString('hex')}`);
    expect(() => contentKey({ ...base, key: 'short' }, 'encryption.hls_encrypt')).toThrow('encryption.hls_encrypt.key must be 16 bytes');
    expect(() => contentKey({ ...base, iv: 'short' }, 'encryption.hls_encrypt')).toThrow('encryption.hls_encrypt.iv must be 16 bytes');
  });
});

describe('segments', () => {
  const segment = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  it('are AES-128-CBC with PKCS7, the IV given, or else the sequence number big-endian', () => {
    const key = contentKey({ key: '000102030405060708090a0b0c0d0e0f', url: 'u' } as HlsEncrypt, 'f');
    const iv = Buffer.alloc(16);
    iv.writeUInt32BE(7, 12);
    const decipher = createDecipheriv('aes-128-cbc', key.key, iv);
    const encrypted = encrypt(segment, key, 7);
    expect(encrypted.length).toBe(1008);
    expect(Buffer.concat([decipher.update(encrypted), decipher.final()])).toEqual(segment);
    const fixed = contentKey({ key: '000102030405060708090a0b0c0d0e0f', url: 'u', iv: 'yCmE666N3YAq30SN' } as HlsEncrypt, 'f');
    // With an IV every segment uses it, whatever its number.
    expect(encrypt(segment, fixed, 1)).toEqual(encrypt(segment, fixed, 2));
    const sm4 = contentKey({ key: '000102030405060708090a0b0c0d0e0f', url: 'u', algorithm: 'SM4CBC' }, 'f');
    const back = createDecipheriv('sm4-cbc', sm4.key, Buffer.alloc(16));
    expect(Buffer.concat([back.update(encrypt(segment, sm4, 0)), back.final()])).toEqual(segment);
  });
});

describe('playlists', () => {
  const vod = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:4', '#EXTINF:2.000000,', 'index0.ts', '#EXTINF:1.5,', 'index1.ts', '#EXT-X-ENDLIST', ''].join('\n');

  it('a media playlist names its segments, their first number and its length', () => {
    expect(readMediaPlaylist(vod)).toEqual({ segments: ['index0.ts', 'index1.ts'], sequence: 4, duration: 3.5 });
    expect(readMediaPlaylist(vod.replace('#EXT-X-TARGETDURATION', '#EXT-X-KEY:METHOD=NONE\n#EXT-X-TARGETDURATION'))).toMatchObject({ segments: ['index0.ts', 'index1.ts'] });
  });

  it.each([
    ['#EXTM3U missing', vod.replace('#EXTM3U\n', ''), 'it is not an HLS playlist (no #EXTM3U first)'],
    ['a master playlist', '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow.m3u8\n', 'it is a master playlist: it names other playlists'],
    ['an encrypted one', vod.replace('#EXTINF:2.000000,', '#EXT-X-KEY:METHOD=AES-128,URI="k"\n#EXTINF:2.000000,'), 'it is encrypted already (EXT-X-KEY)'],
    ['an initialization section', vod.replace('#EXTINF:2.000000,', '#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.000000,'), 'a tag names a file of its own (#EXT-X-MAP)'],
    ['byte ranges', vod.replace('index1.ts', '#EXT-X-BYTERANGE:100@0\nindex1.ts'), 'its segments are byte ranges of a file (EXT-X-BYTERANGE)'],
    ['a path out of the folder', vod.replace('index1.ts', '../clips/clip.mp4'), 'segment "../clips/clip.mp4" is not a file beside the playlist'],
    ['a file URL', vod.replace('index1.ts', 'file:///etc/passwd'), 'segment "file:///etc/passwd" is not a file beside the playlist'],
    ['a URL', vod.replace('index1.ts', 'http://169.254.169.254/latest'), 'segment "http://169.254.169.254/latest" is not a file beside the playlist'],
    ['a sub-folder', vod.replace('index1.ts', 'seg/index1.ts'), 'segment "seg/index1.ts" is not a file beside the playlist'],
    ['a segment twice', vod.replace('index1.ts', 'index0.ts'), 'it names segment "index0.ts" twice'],
    ['no segment', '#EXTM3U\n#EXT-X-ENDLIST\n', 'it names no segment'],
  ])('%s is refused', (_what, text, refused) => {
    expect(readMediaPlaylist(text)).toEqual({ refused });
  });

  it('gains the key line before its first segment and version 3', () => {
    const key = contentKey({ key: 'aigPLJhffXBNnERs', url: 'https://k', iv: '000102030405060708090a0b0c0d0e0f' } as HlsEncrypt, 'f');
    const lines = encryptedPlaylist(vod.replace('#EXT-X-VERSION:3\n', '').replace('#EXT-X-TARGETDURATION', '#EXT-X-KEY:METHOD=NONE\n#EXT-X-TARGETDURATION'), key).split('\n');
    expect(lines.slice(0, 6)).toEqual(['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:4', '#EXT-X-KEY:METHOD=AES-128,URI="https://k",IV=0x000102030405060708090a0b0c0d0e0f', '#EXTINF:2.000000,']);
    expect(lines.filter((l) => l.startsWith('#EXT-X-KEY'))).toHaveLength(1);
    expect(readMediaPlaylist(encryptedPlaylist(vod, key))).toEqual({ refused: 'it is encrypted already (EXT-X-KEY)' });
  });
});
