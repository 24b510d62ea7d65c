// The bytes of the files a task writes without media processing that are not copies (SPEC 11.2): pictures made
// with sharp (libvips: JPEG, PNG and GIF encoders, not hand-written ones), tar archives with tar-stream. Both are
// loaded on first use: a mock without a store never pays for them.
export type ImageFormat = 'jpeg' | 'png' | 'gif';

// One colour, the mock's: a valid picture of the asked size (a real frame needs `--media ffmpeg`).
const BACKGROUND = { r: 32, g: 64, b: 96 };

export async function encodeImage(format: ImageFormat, width: number, height: number): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const image = sharp({ create: { width, height, channels: 3, background: BACKGROUND } });
  return (format === 'jpeg' ? image.jpeg() : format === 'png' ? image.png() : image.gif()).toBuffer();
}

/** A tar (ustar) of named files, in order. */
export async function packTar(entries: ReadonlyArray<{ name: string; bytes: Buffer }>): Promise<Buffer> {
  const { pack } = await import('tar-stream');
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const e of entries) archive.entry({ name: e.name, size: e.bytes.length, mtime: new Date(0) }, e.bytes);
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
