// Attribute declarations, in the spirit of terraform-plugin-framework: every argument and
// attribute of a resource is declared once, with its type, whether it is required,
// optional or computed, its default, whether changing it replaces the resource, its
// validators and its doc text. Everything else is derived from the declarations: the
// protocol schema (schema.ts), the defaults planned, the replace paths and the literal
// validation (derive.ts), the TypeScript model the resource code reads and returns (the
// types below), and the CDKTF constructs' properties and getters (src/cdktf/spec.ts).
//
// Declarations are plain data: this module (a front of src/provider, with the validators it
// re-exports) loads nothing of the framework, so the constructs' bundle can load them.
import type { Unknown } from "../plugin/index.js";
import type { Validator } from "./validators.js";

export { conflictsWith, eachItem, matches, wholeNumber, type Finding, type ValidationContext, type Validator } from "./validators.js";

/** The attribute types the acme resources use (each one cty type). */
export type AttributeKind = "string" | "number" | "bool" | "stringList" | "stringSet" | "stringMap";

/** The TypeScript value of each kind. */
export interface KindValues {
  string: string;
  number: number;
  bool: boolean;
  stringList: string[];
  stringSet: string[];
  stringMap: Record<string, string>;
}

/**
 * One attribute. Exactly one of: `required: true`; `optional: true` (with `default`, the
 * provider plans the default when the configuration leaves it null; with `computed: true`,
 * the provider decides it at apply when left null); `computed: true` alone (only the
 * provider sets it).
 */
export interface AttributeDeclaration<Kind extends AttributeKind = AttributeKind> {
  readonly kind: Kind;
  /** Doc text: the schema's description, the registry docs and the constructs'. */
  readonly description: string;
  readonly required?: true;
  readonly optional?: true;
  readonly computed?: true;
  readonly default?: KindValues[Kind];
  /** Kept out of logs and plan output (Terraform shows "(sensitive value)"). */
  readonly sensitive?: boolean;
  /** Changing it replaces the resource (RequiresReplace). */
  readonly replace?: boolean;
  /** The only values allowed (one-of); the model's type narrows to them. */
  readonly values?: readonly KindValues[Kind][];
  /** Checks of literal values, run at validate (unknown values are skipped). */
  readonly validators?: readonly Validator<KindValues[Kind]>[];
}

/** A nested block (Terraform's NestingList: `name { ... }` repeated), e.g. dns_challenge. */
export interface BlockDeclaration<Attributes extends Declarations = Declarations> {
  readonly kind: "block";
  readonly description: string;
  readonly attributes: Attributes;
  readonly minItems?: number;
  /** 1: at most one block (the constructs then take one object). */
  readonly maxItems?: number;
  readonly replace?: boolean;
}

/** Any attribute declaration, for code that handles every kind alike. */
export type AnyAttributeDeclaration = { [K in AttributeKind]: AttributeDeclaration<K> }[AttributeKind];
export type Declaration = AnyAttributeDeclaration | BlockDeclaration;
export type Declarations = { readonly [name: string]: Declaration };

type Options<Kind extends AttributeKind> = Omit<AttributeDeclaration<Kind>, "kind">;

// The builders only add the kind; `const` keeps the flags and one-of values literal, which
// is what the model types below read.
export const string = <const O extends Options<"string">>(options: O) => ({ kind: "string" as const, ...options });
export const number = <const O extends Options<"number">>(options: O) => ({ kind: "number" as const, ...options });
export const bool = <const O extends Options<"bool">>(options: O) => ({ kind: "bool" as const, ...options });
export const stringList = <const O extends Options<"stringList">>(options: O) => ({ kind: "stringList" as const, ...options });
export const stringSet = <const O extends Options<"stringSet">>(options: O) => ({ kind: "stringSet" as const, ...options });
export const stringMap = <const O extends Options<"stringMap">>(options: O) => ({ kind: "stringMap" as const, ...options });
export const block = <const O extends Omit<BlockDeclaration, "kind">>(options: O) => ({ kind: "block" as const, ...options });

// ---- The model: what resource code reads and returns ------------------------------------

/** The value of a declaration, before nullability. */
type ValueOf<D> = D extends { kind: "block"; attributes: infer A extends Declarations }
  ? ModelOf<A>[]
  : D extends { values: readonly (infer V)[] }
    ? V
    : D extends { kind: infer K extends AttributeKind }
      ? KindValues[K]
      : never;

/** Always set in state: required, defaulted, and blocks (an empty list when absent). */
type AlwaysSet<D> = D extends { required: true } ? true : D extends { default: unknown } ? true : D extends { kind: "block" } ? true : false;

/** Decided at apply: computed without a default, so unknown in the plan apply gets. */
type DecidedAtApply<D> = D extends { default: unknown } ? false : D extends { computed: true } ? true : false;

/** State: every value known; optional and computed values may be null. */
export type ModelOf<A extends Declarations> = {
  -readonly [K in keyof A]: AlwaysSet<A[K]> extends true ? ValueOf<A[K]> : ValueOf<A[K]> | null;
};

/**
 * What create and update get: the configuration known, the defaults applied, and what the
 * provider decides at apply (computed without default) still unknown.
 */
export type PlannedOf<A extends Declarations> = {
  -readonly [K in keyof A]: DecidedAtApply<A[K]> extends true ? ModelOf<A>[K] | Unknown : ModelOf<A>[K];
};

/** At plan and validate time any value may still be unknown (it depends on another resource). */
export type ProposedOf<A extends Declarations> = {
  -readonly [K in keyof A]: (A[K] extends { kind: "block"; attributes: infer B extends Declarations } ? ProposedOf<B>[] : ModelOf<A>[K]) | Unknown;
};

/** The configuration as written (validate): arguments left out are null, defaulted ones too; any value may be unknown. */
export type ConfigurationOf<A extends Declarations> = {
  -readonly [K in keyof A]:
    | (A[K] extends { kind: "block"; attributes: infer B extends Declarations }
        ? ConfigurationOf<B>[]
        : A[K] extends { required: true }
          ? ValueOf<A[K]>
          : ValueOf<A[K]> | null)
    | Unknown;
};
