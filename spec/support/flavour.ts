/** Which decorator flavour this copy of the specs was compiled with (`.build/legacy` or `.build/tc39`). */
export const decoratorFlavour: 'legacy' | 'tc39' = detect();

function detect(): 'legacy' | 'tc39' {
  let seen = 0;
  // Legacy decorators receive (target, key, descriptor); TC39 ones (value, context).
  const probe = (...args: unknown[]): void => {
    seen = args.length;
  };
  class Probe {
    @probe
    method(): void {}
  }
  void Probe;
  return seen === 3 ? 'legacy' : 'tc39';
}

/** `describe` with the flavour in its title, so reports show which build ran. */
export function flavoured(title: string): string {
  return `${title} (${decoratorFlavour} decorators)`;
}
