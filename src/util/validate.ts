import { didYouMean } from '../errors';

/**
 * Field-by-field validation for data files (rules, config) in esbuild's style: every problem is
 * collected, each names the file, the place and the field, e.g.
 * `rules/aws.yaml: rules[1] (aws.secret-access-key): "minEntropy" must be a number`.
 */
export type Fields = Record<string, unknown>;

export class Checker {
  constructor(
    readonly problems: string[],
    /** e.g. `rules/aws.yaml: rules[1] (aws.x)` */
    readonly where: string,
  ) {}

  at(where: string): Checker {
    return new Checker(this.problems, where);
  }

  report(problem: string, hint?: string): void {
    this.problems.push(`${this.where}: ${problem}${hint ? ` (${hint})` : ''}`);
  }

  /** Checks that `value` is a mapping with only `known` keys; returns it, or undefined if it is not one. */
  object(value: unknown, known: readonly string[], what = 'value'): Fields | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.report(`${what} must be a mapping`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const suggestion = didYouMean(key, known);
      this.report(`unknown field "${key}"`, suggestion ? `did you mean "${suggestion}"?` : undefined);
    }
    return value as Fields;
  }

  string(fields: Fields, key: string, required = true): string | undefined {
    const value = fields[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      this.report(`"${key}" must be a non-empty string`);
      return undefined;
    }
    return value;
  }

  number(fields: Fields, key: string, required = true): number | undefined {
    const value = fields[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.report(`"${key}" must be a number`);
      return undefined;
    }
    return value;
  }

  boolean(fields: Fields, key: string): boolean | undefined {
    const value = fields[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.report(`"${key}" must be true or false`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(
    fields: Fields,
    key: string,
    choices: readonly T[],
    required = true,
  ): T | undefined {
    const value = fields[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      this.report(`"${key}" must be one of ${choices.join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  strings(fields: Fields, key: string, options: { required?: boolean; nonEmpty?: boolean } = {}): string[] {
    const value = fields[key];
    if (value === undefined && !options.required) return [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
      this.report(`"${key}" must be a list of non-empty strings`);
      return [];
    }
    if (options.nonEmpty && value.length === 0) this.report(`"${key}" must not be empty`);
    return value as string[];
  }

  /** Compiles a regex, reporting the engine's complaint (and JS's lack of inline flags) if it fails. */
  regex(source: string, flags: string, field: string): RegExp | undefined {
    const inline = /^\(\?([a-z]+)\)/.exec(source);
    if (inline) {
      this.report(
        `"${field}" starts with "(?${inline[1]})"; JavaScript RegExp has no inline flags`,
        `use flags: ${inline[1]}`,
      );
      return undefined;
    }
    try {
      return new RegExp(source, flags);
    } catch (error) {
      this.report(`"${field}" is not a valid regular expression: ${(error as Error).message}`);
      return undefined;
    }
  }

  regexes(fields: Fields, key: string, flags = ''): RegExp[] {
    return this.strings(fields, key).flatMap((source, i) => this.regex(source, flags, `${key}[${i}]`) ?? []);
  }
}
