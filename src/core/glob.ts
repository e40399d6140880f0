/**
 * A RegExp for a Redis glob (`*`, `?`, `[…]`, `[^…]`, ranges, `\` escapes), anchored.
 * Used where the embedded backend's own MATCH ignores escapes.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '\\' && i + 1 < glob.length) out += escapeRegExp(glob[++i]!);
    else if (ch === '*') out += '[\\s\\S]*';
    else if (ch === '?') out += '[\\s\\S]';
    else if (ch === '[') {
      const end = classEnd(glob, i);
      if (end === -1) out += '\\[';
      else {
        out += characterClass(glob.slice(i + 1, end));
        i = end;
      }
    } else out += escapeRegExp(ch);
  }
  return new RegExp(`^${out}$`);
}

function classEnd(glob: string, start: number): number {
  for (let i = start + 1; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === ']') return i;
  }
  return -1;
}

function characterClass(body: string): string {
  const negate = body.startsWith('^');
  let out = '';
  for (let i = negate ? 1 : 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\' && i + 1 < body.length) out += escapeRegExp(body[++i]!);
    else if (ch === '-' && out !== '' && i + 1 < body.length) out += '-';
    else out += escapeRegExp(ch);
  }
  return `[${negate ? '^' : ''}${out}]`;
}

function escapeRegExp(ch: string): string {
  return ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
