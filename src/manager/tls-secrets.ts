import type { ConnectionOptions } from 'node:tls';

/** TLS options that hold a secret: a private key, a PKCS#12 bundle, or the passphrase of either. */
const SECRET_FIELDS = ['passphrase', 'key', 'pfx'] as const;

/** `tls` with `passphrase`, `key` and `pfx` shown as `'***'`, for `cacheManager.options`. */
export function maskTls(tls: ConnectionOptions | undefined): ConnectionOptions | undefined {
  if (tls === undefined) return undefined;
  const masked: ConnectionOptions = { ...tls };
  for (const field of SECRET_FIELDS) if (masked[field] !== undefined) masked[field] = '***';
  return masked;
}

/** Every TLS passphrase: the top-level one and those of `key: [{ pem, passphrase }]` / `pfx: [{ buf, passphrase }]`. */
export function tlsSecrets(tls: ConnectionOptions | undefined): string[] {
  if (tls === undefined) return [];
  const entries = [tls.key, tls.pfx].flatMap((value): unknown[] => (Array.isArray(value) ? value : []));
  const nested = entries.map((entry) => (entry as { passphrase?: unknown } | null)?.passphrase);
  return [tls.passphrase, ...nested].filter((secret): secret is string => typeof secret === 'string' && secret !== '');
}
