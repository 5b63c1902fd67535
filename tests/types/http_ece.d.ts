/** The few parts of `http_ece` (no types of its own) that the tests use to check our Web Push encryption. */
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  export interface EceParams {
    version: 'aes128gcm' | 'aesgcm';
    privateKey?: ECDH;
    dh?: string | Buffer;
    authSecret?: string | Buffer;
    salt?: string | Buffer;
    rs?: number;
  }
  export function decrypt(buffer: Buffer, params: EceParams): Buffer;
  export function encrypt(buffer: Buffer, params: EceParams): Buffer;
}
