import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TlsCertificate {
  /** The certificate's file (SIGNAL_PUSH_OUTBOUND_CA_PATH takes it). */
  certPath: string;
  cert: string;
  key: string;
  remove(): Promise<void>;
}

/** A certificate for IP 127.0.0.1, self-signed, made with the openssl CLI for this run only. */
export async function makeCertificate(): Promise<TlsCertificate> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signal-push-tls-'));
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { stdio: 'pipe' },
    );
  } catch (error) {
    throw new Error(`HTTPS receivers' certificates are made with the openssl CLI: ${String(error)}`);
  }
  return {
    certPath,
    cert: await fs.readFile(certPath, 'utf8'),
    key: await fs.readFile(keyPath, 'utf8'),
    remove: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
