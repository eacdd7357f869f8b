// What the synth checks send to the validation worker: plain, structured-cloneable data.

/** Marks a value that is not known at synth (a token or a Terraform expression). */
export const UNKNOWN_KEY = "__acmeTfUnknown";

export type Checkable = string | number | boolean | null | Checkable[] | { [key: string]: Checkable };

export const UNKNOWN_MARK: Checkable = { [UNKNOWN_KEY]: true };

export interface CheckItem {
  kind: "provider" | "resource" | "data";
  typeName: string;
  config: { [key: string]: Checkable };
}

export interface CheckRequest {
  env: Record<string, string | undefined>;
  items: CheckItem[];
}
