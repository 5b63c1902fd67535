/**
 * Makes the self-signed TLS certificate for `--https` on a home network.
 *
 * The key pair comes from Node's own crypto (native, fast); node-forge only
 * assembles and signs the X.509 structure, because Node has no certificate
 * builder and shelling out to `openssl` would add a system dependency that
 * differs between platforms. forge signs with RSA only, hence RSA-2048.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface CertificateNames {
  /** DNS names the certificate must cover (localhost, the hostname, ...). */
  dns: string[];
  /** IP addresses it must cover (127.0.0.1, every LAN IPv4 address). */
  ips: string[];
}

export interface PemPair {
  cert: string;
  key: string;
}

/** One year: long enough not to bother anyone, and regenerated 30 days before it ends. */
export const SELF_SIGNED_VALIDITY_DAYS = 365;
const DAY_MS = 86_400_000;
/** Phones with a slightly slow clock must not see a certificate "from the future". */
const BACKDATE_MS = DAY_MS;

export function generateSelfSigned(names: CertificateNames, now: Date, commonName: string): PemPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem);

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // Positive serial (top bit clear), 16 random bytes: browsers reject a reused serial under one issuer name.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + SELF_SIGNED_VALIDITY_DAYS * DAY_MS);

  const subject = [
    { name: 'commonName', value: commonName.slice(0, 64) },
    { name: 'organizationName', value: 'Doorpeer (self-signed)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        // Type 2 is dNSName, type 7 iPAddress (RFC 5280, 4.2.1.6).
        ...names.dns.map((value) => ({ type: 2, value })),
        ...names.ips.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());

  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}
