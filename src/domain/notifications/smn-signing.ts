// How SMN signs what it POSTs to an HTTP subscriber (shared/reference/mpc-api.md section 14): the fields
// `message, message_id, subject, timestamp, topic_urn, type` (a confirmation: `subscribe_url` in place of
// `subject`), sorted by name, each as a line with its name and a line with its value, signed with the topic
// service's RSA key; the subscriber verifies with the X.509 certificate at `signing_cert_url`. The mock makes
// its own key and a self-signed certificate for it, so a handler's real signature check runs against the mock.
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** The fields a signature covers, in the order they are signed (sorted by name); absent or empty ones are left out. */
const SIGNED_FIELDS = ['message', 'message_id', 'subject', 'subscribe_url', 'timestamp', 'topic_urn', 'type'] as const;

/**
 * The string SMN signs: for each signed field present, sorted by name, `name\nvalue\n`.
 * SMN's documentation: "If subject is left blank, omit subject in the signature".
 */
export function stringToSign(body: Readonly<Record<string, unknown>>): string {
  let text = '';
  for (const name of SIGNED_FIELDS) {
    const value = body[name];
    if (typeof value !== 'string' || value === '') continue;
    text += `${name}\n${value}\n`;
  }
  return text;
}

// A minimal DER writer: just what one self-signed certificate needs.
const der = (tag: number, content: Buffer): Buffer => {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
};
const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const integer = (bytes: Buffer) => der(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const nul = () => Buffer.from([0x05, 0x00]);
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
};
const utf8 = (text: string) => der(0x0c, Buffer.from(text, 'utf8'));
const generalizedTime = (text: string) => der(0x18, Buffer.from(text, 'ascii'));
const bitString = (bytes: Buffer) => der(0x03, Buffer.concat([Buffer.from([0]), bytes]));
const explicit = (n: number, content: Buffer) => der(0xa0 + n, content);

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';

/** A self-signed X.509 v3 certificate (PEM) for the key pair. */
function selfSignedCertificate(publicKey: KeyObject, privateKey: KeyObject, commonName: string): string {
  const algorithm = sequence(oid(SHA256_WITH_RSA), nul());
  const name = sequence(set(sequence(oid(COMMON_NAME), utf8(commonName))));
  // The mock's clock can be set to almost any time: the certificate is valid from 1970 to the last time the clock
  // can show (a verifier that checks validity on a clock set before 1970 would refuse it).
  const validity = sequence(generalizedTime('19700101000000Z'), generalizedTime('99991231235959Z'));
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(Buffer.from([0x01, 0x5a, 0x4d])),
    algorithm,
    name,
    validity,
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = createSign('sha256').update(tbs).sign(privateKey);
  const certificate = sequence(tbs, algorithm, bitString(signature));
  const lines = certificate.toString('base64').match(/.{1,64}/g)!;
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * The mock's signing identity. The key is made on first use rather than when the mock is built: making an RSA
 * key takes a tenth of a second, which a test suite that builds hundreds of apps and never delivers an event
 * should not pay. It lives as long as the mock.
 */
export class SmnSigner {
  private keys: { privateKey: KeyObject; certificate: string } | undefined;

  private ensure() {
    if (!this.keys) {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      this.keys = { privateKey, certificate: selfSignedCertificate(publicKey, privateKey, 'mpc-mock SMN signing') };
    }
    return this.keys;
  }

  /** The certificate that verifies this signer's signatures, PEM. */
  certificatePem(): string {
    return this.ensure().certificate;
  }

  /**
   * The signature of an envelope, base64.
   * Deviation: SMN's documentation names the string to sign but not the digest; the mock signs SHA256withRSA
   * (PKCS#1 v1.5), which its certificate names.
   */
  sign(body: Readonly<Record<string, unknown>>): string {
    return createSign('sha256').update(stringToSign(body), 'utf8').sign(this.ensure().privateKey, 'base64');
  }
}
