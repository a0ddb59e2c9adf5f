/** `--name value`, `--name=value` and `--flag`; everything else is positional. */
export interface ParsedArguments {
  positional: string[];
  options: Map<string, string | true>;
}

export function parseArguments(argv: readonly string[], valueOptions: readonly string[]): ParsedArguments {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (!argument.startsWith('--')) {
      positional.push(argument);
      continue;
    }
    const equals = argument.indexOf('=');
    if (equals > 0) {
      options.set(argument.slice(2, equals), argument.slice(equals + 1));
    } else if (valueOptions.includes(argument.slice(2))) {
      const value = argv[index + 1];
      if (value === undefined) throw new UsageError(`${argument} needs a value`);
      options.set(argument.slice(2), value);
      index += 1;
    } else {
      options.set(argument.slice(2), true);
    }
  }
  return { positional, options };
}

export function textOption(parsed: ParsedArguments, name: string): string | undefined {
  const value = parsed.options.get(name);
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value;
}

/** A mistake in how the command was called: printed with a hint to --help, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
