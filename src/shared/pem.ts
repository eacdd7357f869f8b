// PEM as Go's pem.EncodeToMemory writes it (what the reference provider stores): base64 in
// 64-character lines between BEGIN and END lines, with a trailing newline.

export function toPem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
