// Why a file could not be read, in words for a diagnostic rather than Node's error codes.

export function whyUnreadable(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    default:
      return (error as Error).message;
  }
}
