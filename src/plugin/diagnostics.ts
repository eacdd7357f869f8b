// Diagnostics as the provider reports them: errors and warnings that may point at the
// argument they are about, so Terraform underlines it in the user's configuration.

/** A step into a value: attribute name, list/set index, or map key. */
export type PathStep = string | number | { key: string };
export type AttributePath = PathStep[];

export interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail?: string;
  path?: AttributePath;
}

export function error(summary: string, detail?: string, path?: AttributePath): Diagnostic {
  return { severity: "error", summary, ...(detail ? { detail } : {}), ...(path ? { path } : {}) };
}

export function warning(summary: string, detail?: string, path?: AttributePath): Diagnostic {
  return { severity: "warning", summary, ...(detail ? { detail } : {}), ...(path ? { path } : {}) };
}

/**
 * An error carrying diagnostics through code that throws; the protocol layer turns it
 * into the diagnostics themselves rather than a generic failure.
 */
export class DiagnosticsError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.summary).join("; "));
  }
}
