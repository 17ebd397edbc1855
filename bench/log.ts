/** Progress and diagnostics go to stderr, so stdout holds only the report (or the JSON line). */
export function info(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
