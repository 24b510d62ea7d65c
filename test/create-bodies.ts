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
    encryption: { hls_encrypt: { key: 'MDEyMzQ1Njc4OWFiY2RlZg==', url: 'https://keys.example.com/k1' } },
  },
  'extract-metadata': { input: obs('videos/intro-60s.mp4'), output: obs('metadata/', 'media-out') },
  remux: { input: obs('videos/intro-60s.flv'), output: obs('remux/intro', 'media-out'), output_param: { format: 'MP4' } },
  'merge-channels': {
    multi_audio: {
      output: obs('merged/', 'media-out'),
      audio_files: [
        { input: obs('audio/intro-left.wav'), tracks_info: [{ channel_layout: 'FL', language: 'eng' }] },
        { input: obs('audio/intro-right.wav'), tracks_info: [{ channel_layout: 'FR', language: 'eng' }] },
      ],
      output_filename: 'intro-stereo.wav',
    },
  },
  'reset-tracks': {
    audio_file: { input: obs('videos/intro-60s.mp4'), output: obs('tracks/', 'media-out'), tracks_info: [{ channel_layout: 'stereo', language: 'chi' }], output_filename: 'intro-tracks.mp4' },
  },
  'editing-jobs': {
    edit_type: ['CLIP'],
    clips: [{ input: obs('videos/intro-60s.mp4'), timeline_start: '5', timeline_end: '35' }],
    output_setting: { format: 'MP4', output: obs('edited/', 'media-out') },
  },
  enhancements: { input: obs('videos/intro-60s.mp4'), output: obs('enhanced/', 'media-out'), template_id: '1001' },
};


/** A kind's minimal body with its (first) input replaced: where that input sits differs by kind. */
export function withInput(word: string, input: Record<string, unknown>): Record<string, unknown> {
  const body = structuredClone(CREATE_BODIES[word]!) as Record<string, any>;
  if (word === 'merge-channels') body.multi_audio.audio_files[0].input = input;
  else if (word === 'reset-tracks') body.audio_file.input = input;
  else if (word === 'editing-jobs') body.clips[0].input = input;
  else body.input = input;
  return body;
}
