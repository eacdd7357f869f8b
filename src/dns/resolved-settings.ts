// The settings of one dns_challenge block once resolved and parsed: what a provider's
// factory reads. Asking for a setting the description lacks, or with the wrong kind,
// is a programming error and throws.

import type { SettingDescription } from "./description.js";

export class ResolvedSettings {
  constructor(
    private readonly descriptions: readonly SettingDescription[],
    /** The settings that were given (config, environment or file), as text. */
    private readonly given: ReadonlyMap<string, string>,
    /** Config keys outside the description that the provider passes through. */
    readonly passThrough: Readonly<Record<string, string>>,
  ) {}

  /** A string, path or enum setting: its given text, else its default. */
  text(name: string): string | undefined {
    const description = this.describe(name);
    if (description.kind === "duration-seconds") throw new Error(`${name} is a duration: read it with seconds()`);
    return this.given.get(name) ?? description.default;
  }

  /** A setting the description requires, which resolution guarantees is there. */
  requiredText(name: string): string {
    const text = this.text(name);
    if (text === undefined) throw new Error(`${name} has no value: is it described as required?`);
    return text;
  }

  /** A duration setting in whole seconds: its given value, else its default. */
  seconds(name: string): number {
    const seconds = this.givenSeconds(name) ?? this.describeDuration(name).default;
    if (seconds === undefined) throw new Error(`${name} has no value: give it a default`);
    return seconds;
  }

  /** A duration setting in whole seconds, only when it was given. */
  givenSeconds(name: string): number | undefined {
    this.describeDuration(name);
    const text = this.given.get(name);
    return text === undefined ? undefined : Number(text);
  }

  /**
   * The given settings and pass-through config as environment variables: programs written
   * for the reference provider read their block's settings from their environment.
   */
  asEnvironment(): Record<string, string> {
    return { ...this.passThrough, ...Object.fromEntries(this.given) };
  }

  private describeDuration(name: string): Extract<SettingDescription, { kind: "duration-seconds" }> {
    const description = this.describe(name);
    if (description.kind !== "duration-seconds") throw new Error(`${name} is not a duration: read it with text()`);
    return description;
  }

  private describe(name: string): SettingDescription {
    const description = this.descriptions.find((setting) => setting.name === name);
    if (!description) throw new Error(`${name} is not a described setting`);
    return description;
  }
}
