/**
 * `scheme://user:password@host`, the password holding anything (`@`, `/`, spaces): it runs to the
 * last `@` before a host on the same line, never into the next URL. Text without
 * `scheme://user:` is never touched, nor `scheme://host:port/…` (a port, then a path or the end).
 */
const URL_CREDENTIALS =
  /(\b[a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):(?!\d{1,5}(?:[/?#\s,;)'"\]]|$))((?:(?![a-z][a-z0-9+.-]*:\/\/)[^\r\n])*)@(?=[\p{L}\p{N}[])/giu;

/** Replace `scheme://user:password@` credentials and any known secret with `***`. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_CREDENTIALS, '$1$2:***@');
  // Longest first, so a secret that contains another is not left half-masked.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) if (secret) out = out.split(secret).join('***');
  return out;
}

/**
 * The error itself when it holds no secret, else a copy (same name and code) with them removed.
 * ioredis' reply errors carry the failed `command` with its arguments (`AUTH user password`):
 * only its name is kept.
 */
export function redactError(error: unknown, secrets: readonly string[] = []): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? redactText(error, secrets) : error;
  const message = redactText(error.message, secrets);
  const stack = error.stack === undefined ? undefined : redactText(error.stack, secrets);
  const { code, command } = error as { code?: unknown; command?: { name?: unknown } };
  if (message === error.message && stack === error.stack && command === undefined) return error;
  const copy = new Error(message);
  copy.name = error.name;
  if (stack !== undefined) copy.stack = stack;
  if (code !== undefined) Object.assign(copy, { code });
  if (command !== undefined) Object.assign(copy, { command: { name: command.name } });
  return copy;
}
