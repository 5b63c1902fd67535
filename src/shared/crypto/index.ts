/** The crypto surface in one import, for code that needs several parts of it. */
export { CryptoError, type CryptoErrorCode } from './errors.ts';
export { toB64u, fromB64u } from './b64u.ts';
export {
  type Identity,
  generateIdentity,
  deviceIdFromSignPublic,
  signRelayChallenge,
  verifyRelayChallenge,
  newNonce,
} from './identity.ts';
export { type PeerKeys, SealedChannel } from './seal.ts';
export { type PayloadKind, payloadKind, clearPayload, openClear } from './framing.ts';
export {
  CROCKFORD,
  newShortSecret,
  newQrSecret,
  formatTypedCode,
  parseTypedCode,
  parseQrPairLink,
  qrPairFragment,
  derivePairKey,
  pairSeal,
  pairOpen,
  shortAuthString,
} from './pairing.ts';
