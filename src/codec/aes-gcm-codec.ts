import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CodecKeySet } from './codec-keys';

export const ENCODING_ENCRYPTED = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

const utf8 = (bytes: Uint8Array | null | undefined): string | undefined =>
  bytes ? Buffer.from(bytes).toString('utf8') : undefined;

/** Why a payload could not be decrypted; the message names the key id, never a key. */
export class PayloadDecryptionError extends ValueError {}

/**
 * AES-256-GCM over the whole serialized payload (its metadata too, so the original encoding is
 * restored on decode). Wire format of `data`: 12-byte random IV ‖ ciphertext ‖ 16-byte tag;
 * metadata `encoding: binary/encrypted` and `encryption-key-id: <kid>`. Decoding picks the key by
 * that id, so histories written before a rotation stay readable while their key is kept.
 */
export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly keySet: CodecKeySet) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const kid = this.keySet.activeKeyId;
    const key = this.keySet.keys.get(kid)!;
    return payloads.map((payload) => {
      const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const sealed = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCODING_ENCRYPTED),
          [METADATA_KEY_ID]: Buffer.from(kid),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decodeOne(payload));
  }

  private decodeOne(payload: Payload): Payload {
    // Payloads written before encryption was turned on (or search attributes) pass through.
    if (utf8(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCODING_ENCRYPTED) return payload;
    const kid = utf8(payload.metadata?.[METADATA_KEY_ID]);
    if (kid === undefined) throw new PayloadDecryptionError('encrypted payload has no encryption-key-id');
    if (!KEY_ID.test(kid))
      throw new PayloadDecryptionError('encrypted payload has a malformed encryption-key-id');
    const key = this.keySet.keys.get(kid);
    if (!key) {
      throw new PayloadDecryptionError(
        `payload is encrypted with unknown key id "${kid}": add that key to SIGNAL_PUSH_CODEC_KEYS`,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`encrypted payload (key id "${kid}") is too short`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(
        `encrypted payload failed authentication under key id "${kid}" (wrong key or altered data)`,
      );
    }
    return temporal.api.common.v1.Payload.decode(plaintext);
  }
}
