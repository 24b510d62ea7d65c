// Create bodies as the SDKs build them, one valid minimal body per kind, shared by the tests of creating and
// of the lifecycle.
export const obs = (object: string, bucket = 'media-in') => ({ bucket, location: 'cn-north-4', object });

/** A minimal valid body per kind, as the SDKs build it. */
export const CREATE_BODIES: Record<string, Record<string, unknown>> = {
  transcodings: { input: obs('videos/intro-60s.mp4'), output: obs('transcoded/intro', 'media-out'), trans_template_id: [7000523, 7000524] },
  thumbnails: { input: obs('videos/intro-60s.mp4'), output: obs('snapshots/intro', 'media-out'), thumbnail_para: { type: 'TIME', time: 10 } },
  'animated-graphics': {
    input: obs('videos/intro-60s.mp4'),
    output: obs('gif/', 'media-out'),
    output_param: { format: 'gif', width: 320, height: -1, start: 1000, end: 6000, frame_rate: 15 },
  },
  encryptions: {
    input: obs('hls/intro/index.m3u8'),
    output: obs('encrypted/intro', 'media-out'),
    encryption: { hls_encrypt: { key: 'a-key', url: 'https://keys.example.com/k1' } },
  },
};

