// Why a file could not be read or written, in words for a diagnostic rather than Node's error codes.

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

/** The code is kept in brackets: it is what a search for the problem needs. */
export function whyUnwritable(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case "EROFS":
      return "its file system is mounted read-only (EROFS)";
    case "ENOSPC":
      return "no space is left on its file system (ENOSPC)";
    case "EDQUOT":
      return "the disk quota is used up (EDQUOT)";
    case "EACCES":
    case "EPERM":
      return `permission denied (${(error as NodeJS.ErrnoException).code})`;
    default:
      return whyUnreadable(error);
  }
}
