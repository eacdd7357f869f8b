// Terraform's snake_case names as the constructs' camelCase properties (what cdktf's
// generated bindings do): the constructs and the generator of their types both need it.

/** snake_case -> camelCase: `certificate_p12_password` -> `certificateP12Password`. */
export function camelCase(snake: string): string {
  return snake.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
